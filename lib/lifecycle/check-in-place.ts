// A change that touches only an asset's checks (or how it runs) builds nothing: its version,
// and so its data, stay production's. Its checks still run before the change can be
// promoted: over the version the environment reads in place, as a build runs them over what
// it built. An error-severity failure fails the build, so the promotion is refused.
import { blockingFailures, describeFailure, runChecks } from "../checks";
import type { AssetOutcome } from "../engine/events";
import { preparePartitioned } from "../engine/prepare-partitioned";
import type { SqlReferenceParser } from "../graph";
import type { AssetCell, NotebookIssue } from "../notebook/types";
import type { Workspace } from "../notebook/workspace-file";
import type { Warehouse } from "../warehouse/types";

export interface CheckInPlaceOptions {
  /** The environment's surface: an asset's bare name reads the version it serves. */
  warehouse: Warehouse;
  parser: SqlReferenceParser;
  /** slug → the text the environment builds. */
  texts: ReadonlyMap<string, string>;
  workspace?: Workspace;
  /** Assets (lower case) whose checks or run keys changed and that the build did not run. */
  assets: readonly { asset: string; notebook: string }[];
  /** Rewrites a cell as the environment runs it (build-stages.ts). */
  localize?: (cell: AssetCell) => Promise<AssetCell>;
}

/** The table a cell's checks judge: a chart's data, else the asset's own table. */
function checkedTable(cell: AssetCell): string {
  return cell.kind === "chart" ? cell.config.from : cell.name;
}

export async function checkInPlace(options: CheckInPlaceOptions): Promise<{ ok: true; outcomes: AssetOutcome[] } | { ok: false; issues: NotebookIssue[] }> {
  const outcomes: AssetOutcome[] = [];
  for (const slug of [...new Set(options.assets.map((asset) => asset.notebook))].sort()) {
    const wanted = new Set(options.assets.filter((asset) => asset.notebook === slug).map((asset) => asset.asset));
    // A partitioned notebook's checks judge the whole table: its placeholders take neutral values.
    const prepared = await preparePartitioned(options.texts.get(slug) ?? "", `${slug}.md`, options.parser, null, options.workspace);
    if (!prepared.ok) return prepared;
    for (const written of prepared.notebook.cells) {
      if (written.type !== "asset" || !wanted.has(written.name.toLowerCase()) || written.checks.length === 0) continue;
      const cell = options.localize === undefined ? written : await options.localize(written);
      const started = performance.now();
      const checks = await runChecks(options.warehouse, checkedTable(cell), cell.checks);
      const blocking = blockingFailures(checks);
      outcomes.push({
        asset: cell.name.toLowerCase(),
        kind: cell.kind,
        status: blocking.length > 0 ? "failed" : "succeeded",
        durationMs: performance.now() - started,
        checks,
        reason: blocking.length > 0 ? blocking.map(describeFailure).join("; ") : "only its checks or run keys changed: they ran on the version production serves, which it keeps",
      });
    }
  }
  return { ok: true, outcomes };
}
