// How each kind of cell runs over a Warehouse, the same on every host: SQL and charts by the
// engine, ML by training through the warehouse, extracts through the host's extract runner
// (a host without one, such as the browser, reports them as unsupported or plugs in its own).
// The runner is injected so the browser bundle never loads the HTTP extract code.
import { stageTableFor, type StagingScope } from "../extract/load/staging";
import type { AssetCell, ExtractCell } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import type { AttemptResult } from "./executor";
import { materializeChart, materializeSql, type MaterializeResult } from "./materialize";
import { materializeMl } from "./materialize-ml";

export type ExtractRunner = (cell: ExtractCell, warehouse: Warehouse, staging: StagingScope | undefined) => Promise<MaterializeResult>;

export interface CellContext {
  /** How extract cells reach their sources (extract-runner.ts); null: this host cannot run them. */
  extract: ExtractRunner | null;
  /** Staging names of one attempt when several may build one asset at once (partitions, run attempts). */
  staging?: StagingScope;
}

export function materializeCell(cell: AssetCell, warehouse: Warehouse, ctx: CellContext): Promise<AttemptResult> {
  switch (cell.kind) {
    case "sql":
      return materializeSql(warehouse, cell, stageTableFor(cell.name, ctx.staging));
    case "chart":
      return materializeChart(warehouse, cell);
    case "ml":
      return materializeMl(warehouse, cell);
    case "extract":
      return ctx.extract === null ? Promise.resolve("unsupported") : ctx.extract(cell, warehouse, ctx.staging);
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
}
