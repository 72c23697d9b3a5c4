// Backfills: one run per partition over a range, at most `concurrency` at once (each run
// goes to one of `concurrency` serial queue lanes). Progress and resume read the run table:
// resuming triggers only the partitions with no succeeded run and none queued or running.
import { latestNotebookVersion, type CatalogDb, type RunStatus } from "../catalog";
import { parseNotebook } from "../notebook/parse";
import { latestPartitions } from "../engine/partition-plan";
import { notebookPartitions, partitionWindows, type PartitionsDef } from "../partitions/windows";
import type { RunTriggers } from "./trigger";

export interface BackfillInput {
  workspaceId: string;
  notebook: string;
  /** Partition keys in the range, inclusive; default: from the first to the last before `until`. */
  from?: string;
  to?: string;
  until: Date;
  concurrency: number;
  backfillId: string;
  /** Assets to materialize in each partition (selectors as in a run); default: the whole notebook. */
  selection?: string[];
  createdById?: string | null;
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

type Latest = Map<string, { status: RunStatus; runId: string }>;

async function latestByPartition(db: CatalogDb, workspaceId: string, notebookSlug: string, keys: string[]): Promise<Latest> {
  const runs = await db.run.findMany({
    where: { workspaceId, notebook: { slug: notebookSlug }, partitions: { hasSome: keys } },
    orderBy: { createdAt: "asc" },
    select: { id: true, partitions: true, status: true },
  });
  const latest: Latest = new Map();
  for (const run of runs) {
    for (const key of run.partitions) {
      // a success is final; otherwise the newest run speaks
      if (latest.get(key)?.status !== "succeeded") latest.set(key, { status: run.status, runId: run.id });
    }
  }
  return latest;
}

export type PartitionStatus = RunStatus | "never";

export interface PartitionState {
  key: string;
  status: PartitionStatus;
  /** The run that decides the status (the success, else the newest); null when never run. */
  runId: string | null;
}

/** Each key's state from the notebook's runs, in the keys' order. */
export async function partitionStates(db: CatalogDb, workspaceId: string, notebook: string, keys: string[]): Promise<PartitionState[]> {
  const latest = await latestByPartition(db, workspaceId, notebook, keys);
  return keys.map((key) => {
    const found = latest.get(key);
    return { key, status: found?.status ?? "never", runId: found?.runId ?? null };
  });
}

/**
 * A notebook's partitions from its latest catalog version: the definition and the newest
 * `newest` keys whose window started before `until`, oldest first (years of hourly
 * partitions are too many to list); null when unpartitioned.
 */
export async function notebookPartitionKeys(db: CatalogDb, workspaceId: string, notebook: string, until: Date, newest = 400): Promise<{ def: PartitionsDef; keys: string[] } | null> {
  const version = await latestNotebookVersion(db, workspaceId, notebook);
  if (version === null) return null;
  const parsed = parseNotebook(version.text, `${notebook}.md`);
  if (!parsed.ok) return null;
  const def = notebookPartitions(parsed.notebook.frontMatter);
  return def === null ? null : { def, keys: latestPartitions(def, until, newest).map((w) => w.key).reverse() };
}

export async function backfillProgress(db: CatalogDb, workspaceId: string, notebook: string, keys: string[]): Promise<BackfillProgress> {
  const progress: BackfillProgress = { total: keys.length, succeeded: 0, failed: 0, running: 0, queued: 0, cancelled: 0, neverRun: 0 };
  for (const { status } of await partitionStates(db, workspaceId, notebook, keys)) {
    if (status === "never") progress.neverRun++;
    else progress[status]++;
  }
  return progress;
}

/** Starts (or resumes) a backfill: triggers the partitions that have not succeeded and are not in flight. */
export async function startBackfill(service: Pick<RunTriggers, "triggerRun">, db: CatalogDb, def: PartitionsDef, input: BackfillInput): Promise<{ triggered: string[] }> {
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) throw new Error("concurrency must be a positive integer");
  const keys = backfillKeys(def, input);
  const latest = await latestByPartition(db, input.workspaceId, input.notebook, keys);
  const todo = keys.filter((k) => {
    const s = latest.get(k)?.status;
    return s === undefined || s === "failed" || s === "cancelled";
  });
  await triggerPartitionRuns(service, { ...input, keys: todo });
  return { triggered: todo };
}

/** One backfill run per key, spread over `concurrency` serial queue lanes of the backfill `backfillId`. */
export async function triggerPartitionRuns(
  service: Pick<RunTriggers, "triggerRun">,
  input: Pick<BackfillInput, "workspaceId" | "notebook" | "concurrency" | "backfillId" | "selection" | "createdById"> & { keys: readonly string[] },
): Promise<void> {
  for (const [i, key] of input.keys.entries()) {
    await service.triggerRun({
      workspaceId: input.workspaceId,
      notebook: input.notebook,
      partition: key,
      trigger: "backfill",
      ...(input.selection && input.selection.length > 0 ? { selection: input.selection } : {}),
      ...(input.createdById ? { createdById: input.createdById } : {}),
      queueName: `backfill:${input.backfillId}:${i % input.concurrency}`,
    });
  }
}

/**
 * The newest partition of a notebook that production holds rows for (its keys sort as
 * their windows do), or null: the editor opens a partitioned notebook on it rather than
 * on the current period, which may have no data yet.
 */
export async function newestPartitionWithData(db: CatalogDb, workspaceId: string, notebook: string): Promise<string | null> {
  const found = await db.materialization.findFirst({
    where: { environment: "production", status: "succeeded", partition: { not: null }, rows: { gt: 0 }, asset: { workspaceId, notebook: { slug: notebook } } },
    orderBy: { partition: "desc" },
    select: { partition: true },
  });
  return found?.partition ?? null;
}
