// How one attempt of one asset runs: the engine's materializers over the guarded warehouse.
import { runExtract, type ExtractContext } from "../extract/run";
import { materializeChart, materializeSql, stagingTableFor, type MaterializeResult } from "../engine/materialize";
import { materializeMl } from "../engine/materialize-ml";
import type { AssetCell } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";

export type ExtractSources = Omit<ExtractContext, "onProgress" | "now" | "signal" | "sampleRows">;

export interface AttemptContext {
  warehouse: Warehouse;
  signal: AbortSignal;
  attempt: number;
  runId: string;
  partition: string | null;
  extract: ExtractSources | null;
  /** Called as an extract reads pages. */
  onProgress: (progress: { pages: number; rows: number }) => void;
}

export type AttemptResult = MaterializeResult | "unsupported";

/** Partitions of one asset may build at once: each gets its own staging table. */
export function stagingFor(asset: string, partition: string | null): string {
  return partition === null ? stagingTableFor(asset) : `${stagingTableFor(asset)}__p_${partition.replace(/[^A-Za-z0-9_]/g, "_")}`;
}

export type MaterializeFn = (cell: AssetCell, ctx: AttemptContext) => Promise<AttemptResult>;

export const materializeWithEngine: MaterializeFn = async (cell, ctx) => {
  switch (cell.kind) {
    case "sql":
      return materializeSql(ctx.warehouse, cell, stagingFor(cell.name, ctx.partition));
    case "chart":
      return materializeChart(ctx.warehouse, cell);
    case "ml":
      return materializeMl(ctx.warehouse, cell);
    case "extract":
      if (ctx.extract === null) return "unsupported";
      return runExtract(ctx.warehouse, cell, { ...ctx.extract, signal: ctx.signal, onProgress: ctx.onProgress });
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
};
