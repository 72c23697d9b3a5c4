// Backfills: one run per partition over a range, at most `concurrency` at once (each run
// goes to one of `concurrency` serial queue lanes). Progress and resume read the run table:
// resuming triggers only the partitions with no succeeded run and none queued or running.
import type { CatalogDb } from "../catalog";
import { partitionWindows, type PartitionsDef } from "./partitions";
import type { RunService } from "./service";

export interface BackfillInput {
  workspaceId: string;
  notebook: string;
  /** Partition keys in the range, inclusive; default: from the first to the last before `until`. */
  from?: string;
  to?: string;
  until: Date;
  concurrency: number;
  backfillId: string;
}

export interface BackfillProgress {
  total: number;
  succeeded: number;
  failed: number;
  running: number;
  queued: number;
  cancelled: number;
  neverRun: number;
}

export function backfillKeys(def: PartitionsDef, input: Pick<BackfillInput, "from" | "to" | "until">): string[] {
  const keys = partitionWindows(def, input.until).map((w) => w.key);
  const start = input.from === undefined ? 0 : keys.indexOf(input.from);
  const end = input.to === undefined ? keys.length - 1 : keys.indexOf(input.to);
  if (start < 0 || end < 0) throw new Error(`partition range ${input.from ?? ""}..${input.to ?? ""} is not in the notebook's partitions`);
  return keys.slice(start, end + 1);
}

type Latest = Map<string, "queued" | "running" | "succeeded" | "failed" | "cancelled">;

async function latestByPartition(db: CatalogDb, workspaceId: string, notebookSlug: string, keys: string[]): Promise<Latest> {
  const runs = await db.run.findMany({
    where: { workspaceId, notebook: { slug: notebookSlug }, partitions: { hasSome: keys } },
    orderBy: { createdAt: "asc" },
    select: { partitions: true, status: true },
  });
  const latest: Latest = new Map();
  for (const run of runs) {
    for (const key of run.partitions) {
      // a success is final; otherwise the newest run speaks
      if (latest.get(key) !== "succeeded") latest.set(key, run.status);
    }
  }
  return latest;
}

export async function backfillProgress(db: CatalogDb, workspaceId: string, notebook: string, keys: string[]): Promise<BackfillProgress> {
  const latest = await latestByPartition(db, workspaceId, notebook, keys);
  const progress: BackfillProgress = { total: keys.length, succeeded: 0, failed: 0, running: 0, queued: 0, cancelled: 0, neverRun: 0 };
  for (const key of keys) {
    const status = latest.get(key);
    if (status === undefined) progress.neverRun++;
    else progress[status]++;
  }
  return progress;
}

/** Starts (or resumes) a backfill: triggers the partitions that have not succeeded and are not in flight. */
export async function startBackfill(service: RunService, db: CatalogDb, def: PartitionsDef, input: BackfillInput): Promise<{ triggered: string[] }> {
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) throw new Error("concurrency must be a positive integer");
  const keys = backfillKeys(def, input);
  const latest = await latestByPartition(db, input.workspaceId, input.notebook, keys);
  const todo = keys.filter((k) => {
    const s = latest.get(k);
    return s === undefined || s === "failed" || s === "cancelled";
  });
  const lanes = input.concurrency;
  for (const [i, key] of todo.entries()) {
    await service.triggerRun({
      workspaceId: input.workspaceId,
      notebook: input.notebook,
      partition: key,
      trigger: "backfill",
      queueName: `backfill:${input.backfillId}:${i % lanes}`,
    });
  }
  return { triggered: todo };
}
