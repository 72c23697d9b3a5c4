// How one attempt of one asset runs: the engine's materializers over the guarded warehouse.
import { runExtract, type ExtractContext } from "../extract/run";
import { stageTableFor } from "../extract/load/staging";
import { materializeChart, materializeSql, type MaterializeResult } from "../engine/materialize";
import { materializeMl } from "../engine/materialize-ml";
import type { AssetCell } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { PARTITION_COLUMN } from "../partitions/windows";

export type ExtractSources = Omit<ExtractContext, "onProgress" | "now" | "signal" | "sampleRows" | "partition" | "staging">;

export interface AttemptContext {
  warehouse: Warehouse;
  signal: AbortSignal;
  attempt: number;
  /** The run's job attempt (a crash recovery is a new one): staging tables are named by it. */
  runAttempt: number;
  runId: string;
  partition: string | null;
  extract: ExtractSources | null;
  /** Called as an extract reads pages. */
  onProgress: (progress: { pages: number; rows: number }) => void;
}

export type AttemptResult = MaterializeResult | "unsupported";

/** Partitions of one asset may build at once, and a late attempt must not touch its successor's
 * tables: each partition and run attempt gets its own staging table. */
export function stagingFor(asset: string, partition: string | null, runAttempt: number): string {
  return stageTableFor(asset, { partition, attempt: runAttempt });
}

export type MaterializeFn = (cell: AssetCell, ctx: AttemptContext) => Promise<AttemptResult>;

export const materializeWithEngine: MaterializeFn = async (cell, ctx) => {
  switch (cell.kind) {
    case "sql":
      return materializeSql(ctx.warehouse, cell, stagingFor(cell.name, ctx.partition, ctx.runAttempt));
    case "chart":
      return materializeChart(ctx.warehouse, cell);
    case "ml":
      return materializeMl(ctx.warehouse, cell);
    case "extract":
      if (ctx.extract === null) return "unsupported";
      return runExtract(ctx.warehouse, cell, {
        ...ctx.extract,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
        partition: ctx.partition === null ? undefined : { column: PARTITION_COLUMN, key: ctx.partition },
        staging: { partition: ctx.partition, attempt: ctx.runAttempt },
      });
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
};
