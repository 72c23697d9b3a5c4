// The plan, the build's outcomes and the data diff, as tables (server-rendered).
import type { AssetDiff } from "@/lib/lifecycle/env-diff";
import type { Plan } from "@/lib/lifecycle/plan";
import type { BuiltOutcome } from "@/lib/lifecycle/store";
import { describeSchedule } from "@/lib/lifecycle/partitions";

const CHANGE_LABELS: Record<Plan["assets"][number]["change"], string> = {
  added: "added",
  removed: "removed",
  breaking: "breaking",
  non_breaking: "non-breaking",
  unchanged: "unchanged",
};

export function PlanTable({ plan }: { plan: Plan }) {
  const shown = plan.assets.filter((asset) => asset.change !== "unchanged" || asset.build || asset.metadataChanged);
  if (shown.length === 0) return <p className="muted">Nothing changes: the working copy is what production runs.</p>;
  return (
    <table className="changes-table" data-testid="plan">
      <thead>
        <tr>
          <th>Asset</th>
          <th>Change</th>
          <th>Build</th>
        </tr>
      </thead>
      <tbody>
        {shown.map((asset) => (
          <tr key={asset.asset} data-asset={asset.asset} data-change={asset.change}>
            <td>
              <code>{asset.asset}</code>
            </td>
            <td>
              <span className="changes-change" data-change={asset.change}>
                {CHANGE_LABELS[asset.change]}
              </span>
              {asset.metadataChanged ? <span className="muted"> · checks or settings</span> : null}
            </td>
            <td>
              {asset.build ? (asset.reason ?? "rebuilt") : asset.change === "removed" ? "dropped on promotion" : "read from production"}
              {asset.partitions ? <div className="changes-reason" data-testid="plan-partitions">{describeSchedule(asset.partitions)}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function BuildOutcomes({ outcomes }: { outcomes: readonly BuiltOutcome[] }) {
  if (outcomes.length === 0) return <p className="muted">Nothing was built: every version already existed.</p>;
  return (
    <table className="changes-table" data-testid="build-outcomes">
      <thead>
        <tr>
          <th>Asset</th>
          <th>Status</th>
          <th>Rows</th>
          <th>Checks</th>
        </tr>
      </thead>
      <tbody>
        {outcomes.map((outcome) => (
          <tr key={`${outcome.asset}@${outcome.partition ?? ""}`} data-asset={outcome.asset}>
            <td>
              <code>{outcome.asset}</code>
              {outcome.partition === undefined ? null : <span className="muted"> · partition {outcome.partition}</span>}
            </td>
            <td>
              <span className="pill" data-run-status={outcome.status}>
                {outcome.status}
              </span>
              {outcome.reason ? <div className="changes-reason">{outcome.reason}</div> : null}
            </td>
            <td>{outcome.rows ?? "—"}</td>
            <td>
              {outcome.checks.length === 0
                ? "—"
                : outcome.checks.map((check) => (
                    <span key={check.check} className="changes-check" data-passed={check.passed} title={check.error ?? (check.passed ? "passed" : `${check.failures} failing rows`)}>
                      {check.passed ? "✓" : "✗"} {check.check}
                    </span>
                  ))}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DiffView({ asset, diff }: { asset: string; diff: AssetDiff }) {
  if ("error" in diff) {
    return (
      <div className="changes-diff" data-asset={asset}>
        <h3>
          <code>{asset}</code>
        </h3>
        <p className="muted">{diff.error}</p>
      </div>
    );
  }
  const schema = [...diff.schema.added.map((c) => `+ ${c}`), ...diff.schema.removed.map((c) => `− ${c}`), ...diff.schema.retyped.map((c) => `${c.name}: ${c.production} → ${c.env}`)];
  return (
    <div className="changes-diff" data-asset={asset}>
      <h3>
        <code>{asset}</code>
      </h3>
      <p data-testid="diff-summary">
        Rows {diff.rows.production} → {diff.rows.env} · {diff.added} added · {diff.removed} removed{diff.changed === null ? "" : ` · ${diff.changed} changed`}
        {schema.length > 0 ? ` · columns ${schema.join(", ")}` : ""}
      </p>
      {diff.warnings.map((warning) => (
        <p key={warning} className="changes-stale">
          {warning}
        </p>
      ))}
      {diff.columns.some((column) => column.changed > 0) ? (
        <p className="muted">
          {diff.columns
            .filter((column) => column.changed > 0)
            .map((column) => `${column.name}: ${column.changed} changed (${(column.match * 100).toFixed(1)}% match)`)
            .join(" · ")}
        </p>
      ) : null}
      {diff.sample.length > 0 ? (
        <table className="changes-table">
          <thead>
            <tr>
              <th>Row</th>
              <th>Key</th>
              <th>Values (production → change)</th>
            </tr>
          </thead>
          <tbody>
            {diff.sample.map((row, index) => (
              <tr key={index} data-kind={row.kind}>
                <td>{row.kind}</td>
                <td>
                  <code>{Object.entries(row.key).map(([k, v]) => `${k}=${v ?? "null"}`).join(", ") || "—"}</code>
                </td>
                <td>
                  <code>{Object.entries(row.values).map(([k, v]) => `${k}: ${v.production ?? "null"} → ${v.env ?? "null"}`).join("; ") || "—"}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
