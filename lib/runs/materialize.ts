// How one attempt of one asset runs in production: the engine's cell materializer over the
// guarded warehouse, with staging named by partition and run attempt, and extract rows
// tagged with the partition. MaterializeFn is the run service's test seam.
import type { ExtractContext } from "../extract/run";
import { stageTableFor } from "../extract/load/staging";
import type { AttemptResult } from "../engine/executor";
import { extractRunner } from "../engine/extract-runner";
import { materializeCell } from "../engine/materialize-cell";
import { trainInThread } from "../ml/thread";
import type { AssetCell } from "../notebook/types";
import { PARTITION_COLUMN } from "../partitions/windows";
import type { Warehouse } from "../warehouse/types";

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
  /** Incremental cells are built whole. */
  fullRefresh?: boolean;
  /** Called as an extract reads pages. */
  onProgress: (progress: { pages: number; rows: number }) => void;
}

/** Partitions of one asset may build at once, and a late attempt must not touch its successor's
 * tables: each partition and run attempt gets its own staging table. */
export function stagingFor(asset: string, partition: string | null, runAttempt: number): string {
  return stageTableFor(asset, { partition, attempt: runAttempt });
}

export type MaterializeFn = (cell: AssetCell, ctx: AttemptContext) => Promise<AttemptResult>;

export const materializeWithEngine: MaterializeFn = (cell, ctx) =>
  materializeCell(cell, ctx.warehouse, {
    staging: { partition: ctx.partition, attempt: ctx.runAttempt },
    // Cancel and timeouts interrupt the query in flight; ML trains off the event loop.
    signal: ctx.signal,
    train: trainInThread,
    ...(ctx.fullRefresh ? { fullRefresh: true } : {}),
    extract:
      ctx.extract === null
        ? null
        : extractRunner({ ...ctx.extract, signal: ctx.signal, onProgress: ctx.onProgress, ...(ctx.partition === null ? {} : { partition: { column: PARTITION_COLUMN, key: ctx.partition } }) }),
  });
