// A cell's run state: fresh, queued, running, stale, error, blocked; duration, rows, runs,
// checks, and whether the result was computed from a sample.
import type { CellStatus } from "@/lib/engine/reactive";
import { stateColor, stateLabel } from "@/app/components/state-colors";

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function StateBadge({ name, status }: { name: string; status: CellStatus | undefined }) {
  const state = status?.state ?? "idle";
  const details = [
    status?.durationMs === undefined ? undefined : duration(status.durationMs),
    status?.rows === undefined ? undefined : `${status.rows.toLocaleString("en-US")} ${status.rows === 1 ? "row" : "rows"}`,
    status && status.runs > 0 ? `run ${status.runs}` : undefined,
    // Passing checks show too: a check is seen before it fails.
    status && status.checks.length > 0 ? `checks ${status.checks.filter((c) => c.passed).length}/${status.checks.length}` : undefined,
    status?.state === "fresh" && status.sampledFrom ? "sampled" : undefined,
  ].filter((d) => d !== undefined);
  return (
    <span
      className="nb-state"
      data-testid={`cell-state-${name}`}
      data-state={state}
      data-runs={status?.runs ?? 0}
      data-rows={status?.rows ?? ""}
      data-sampled={status?.state === "fresh" && status.sampledFrom ? status.sampledFrom.join(",") : undefined}
      data-checks={status && status.checks.length > 0 ? `${status.checks.filter((c) => c.passed).length}/${status.checks.length}` : ""}
      style={{ "--state": stateColor(state) }}
      title={status?.error ?? (status && status.checks.length > 0 ? status.checks.map((c) => `${c.passed ? "✓" : "✗"} ${c.check}`).join("\n") : undefined)}
    >
      <span className="nb-state__dot" aria-hidden="true" />
      <span className="nb-state__label">{stateLabel(state)}</span>
      {details.length > 0 && <span className="nb-state__details">{details.join(" · ")}</span>}
    </span>
  );
}
