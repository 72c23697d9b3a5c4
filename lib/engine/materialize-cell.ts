// How each kind of cell runs over a Warehouse, the same on every host: SQL and charts by the
// engine, ML by training through the warehouse, extracts through the host's extract runner
// (a host without one, such as the browser, reports them as unsupported or plugs in its own).
// The runner and the ML trainer are injected so the browser bundle never loads the HTTP
// extract code or the server's worker threads.
import { stageTableFor, type StagingScope } from "../extract/load/staging";
import type { MlTrainer } from "../ml";
import type { AssetCell, ExtractCell } from "../notebook/types";
import { abortable } from "../warehouse/abortable";
import type { Warehouse } from "../warehouse/types";
import type { AttemptResult } from "./executor";
import { placedWarehouse } from "./placement";
import { materializeChart, materializeSql, type BaselineColumns, type MaterializeResult } from "./materialize";

export type ExtractRunner = (cell: ExtractCell, warehouse: Warehouse, staging: StagingScope | undefined) => Promise<MaterializeResult>;

export interface CellContext {
  /** How extract cells reach their sources (extract-runner.ts); null: this host cannot run them. */
  extract: ExtractRunner | null;
  /** Staging names of one attempt when several may build one asset at once (partitions, run attempts). */
  staging?: StagingScope;
  /**
   * The attempt's signal (the executor's AttemptContext): when it aborts (cancel, timeout),
   * the warehouse statement in flight is interrupted and ML training stops.
   */
  signal?: AbortSignal;
  /** Where ML training runs (default: on this thread; a server passes lib/ml/thread's trainInThread). */
  train?: MlTrainer;
  /** What a SQL cell's contract compares with (default: the table the swap replaces). */
  baseline?: BaselineColumns;
  /** Incremental cells are built whole (their first run, a full refresh on demand, the editor's preview). */
  fullRefresh?: boolean;
  /** View cells are kept as tables (the editor's preview, which reads their rows again and again). */
  viewAsTable?: boolean;
}

export function materializeCell(cell: AssetCell, warehouse: Warehouse, ctx: CellContext): Promise<AttemptResult> {
  const { signal } = ctx;
  const attemptWarehouse = placedWarehouse(signal === undefined ? warehouse : abortable(warehouse, signal), cell);
  switch (cell.kind) {
    case "sql":
      return materializeSql(attemptWarehouse, cell, stageTableFor(cell.name, ctx.staging), {
        ...(ctx.baseline ? { baseline: ctx.baseline } : {}),
        ...(ctx.fullRefresh ? { fullRefresh: true } : {}),
        ...(ctx.viewAsTable ? { viewAsTable: true } : {}),
        ...(ctx.staging ? { scope: ctx.staging } : {}),
      });
    case "chart":
      return materializeChart(attemptWarehouse, cell);
    case "ml":
      // Loaded on the first ML cell: a notebook without one never loads the ML code.
      return import("./materialize-ml").then(({ materializeMl }) => materializeMl(attemptWarehouse, cell, { signal }, ctx.train));
    case "extract":
      return ctx.extract === null ? Promise.resolve("unsupported") : ctx.extract(cell, attemptWarehouse, ctx.staging);
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
}
