// Freshness and check status as coloured pills, in the graph panel's colours.
import { stateColor } from "@/app/components/state-colors";
import type { CellRunState } from "@/lib/engine/reactive";
import type { CheckState, Freshness } from "@/lib/catalog/freshness";

export function freshnessState(freshness: Freshness, checks: CheckState): CellRunState {
  if (checks === "failed") return "error";
  switch (freshness) {
    case "fresh":
      return "fresh";
    case "stale":
    case "late":
      return "stale";
    case "failed":
    case "overdue":
      return "error";
    case "never":
      return "idle";
    default: {
      const unreachable: never = freshness;
      throw new Error(`unknown freshness ${String(unreachable)}`);
    }
  }
}

export function FreshnessPill({ freshness }: { freshness: Freshness }) {
  const color = stateColor(freshnessState(freshness, "none"));
  return (
    <span className="pill" data-freshness={freshness}>
      <span className="dot" style={{ background: color }} aria-hidden="true" />
      {freshness === "never" ? "never materialized" : freshness}
    </span>
  );
}

export function ChecksPill({ checks }: { checks: CheckState }) {
  if (checks === "none") return <span className="muted">—</span>;
  const color = checks === "passed" ? stateColor("fresh") : checks === "warn" ? stateColor("stale") : stateColor("error");
  return (
    <span className="pill">
      <span className="dot" style={{ background: color }} aria-hidden="true" />
      {checks}
    </span>
  );
}
