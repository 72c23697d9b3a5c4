// Refresh on upstream update: when a run ends, every asset whose effective `refresh` is
// `on_upstream_update` and that reads an asset the run materialized (in its notebook, or
// across notebooks through a declared external: the catalog's lineage) runs next, in one
// run per notebook. The job key `upstream:<runId>:<slug>` makes a retried end of run
// trigger nothing twice; the chain of earlier refreshes, carried in the run's payload,
// stops loops between notebooks and chains deeper than MAX_UPSTREAM_DEPTH.
import { appendRunLog, type CatalogDb, type Run } from "../catalog";
import { upstreamByCell } from "../catalog/sync-notebooks";
import type { SqlReferenceParser } from "../graph";
import { runKeysOf } from "../notebook/schemas/run-keys";
import type { Notebook } from "../notebook/types";
import { errorMessage, type JsonValue } from "../queue/types";
import { notebookPartitions, partitionWindow } from "../partitions/windows";
import type { RunTriggers } from "./trigger";
import { readWorkspaceNotebooks } from "./workspace-notebooks";

/** Runs triggered one after the other by upstream updates, at most. */
export const MAX_UPSTREAM_DEPTH = 10;

export const upstreamJobKey = (runId: string, slug: string) => `upstream:${runId}:${slug}`;

export interface UpstreamRefreshDeps {
  db: CatalogDb;
  notebooksDir: string;
  parser(): Promise<SqlReferenceParser>;
  triggers: Pick<RunTriggers, "triggerRun">;
}

export interface EndedRun {
  run: Pick<Run, "id" | "workspaceId">;
  /** Every asset of the run's plan (whatever became of it): none of them is refreshed. */
  planned: readonly string[];
  partition: string | null;
  /** The payload's chain: what each earlier run of the chain materialized. */
  chain: readonly (readonly string[])[];
}

export interface UpstreamRefresh {
  notebook: string;
  assets: string[];
  runId: string;
  created: boolean;
}

interface Consumers {
  assets: string[];
  /** The consumer notebook has the run's partition key. */
  hasPartition: boolean;
}

/** Triggers the refresh runs of an ended run (idempotent); throws when the catalog does (a notebook that cannot be read or whose graph throws is logged and left out). */
export async function triggerUpstreamRefresh(deps: UpstreamRefreshDeps, ended: EndedRun): Promise<UpstreamRefresh[]> {
  const { db } = deps;
  const { run } = ended;
  // Most workspaces refresh nothing on upstream update: then the run's materializations do not matter.
  const { refreshing, problems } = await refreshingNotebooks(deps, run.workspaceId);
  if (refreshing.length === 0 && problems.length === 0) return [];
  const materialized = await materializedBy(db, run.id);
  if (materialized.length === 0) return [];
  const { consumers, failed } = await consumersOf(await deps.parser(), refreshing, new Set(materialized), ended.partition);
  // A notebook that cannot be read is named in the run's log; the others are refreshed.
  for (const problem of [...problems, ...failed]) {
    await logOnce(db, run.id, `upstream refresh left out ${problem}`, "warn", { event: "upstream_skipped", problem });
  }
  const planned = new Set(ended.planned);
  const hops = [...ended.chain.map((hop) => [...hop]), materialized];
  const seen = new Set(hops.flat());
  const refreshes: UpstreamRefresh[] = [];
  for (const [slug, found] of consumers) {
    const due = found.assets.filter((asset) => !planned.has(asset));
    const looping = due.filter((asset) => seen.has(asset));
    if (looping.length > 0) {
      const path = hops.map((hop) => hop.join(", ")).join(" → ");
      await logOnce(db, run.id, `upstream refresh of ${slug} stopped: ${looping.join(", ")} already ran in this chain (${path})`, "warn", {
        event: "upstream_loop",
        notebook: slug,
        assets: looping,
        chain: hops,
      });
    }
    const assets = due.filter((asset) => !seen.has(asset));
    if (assets.length === 0) continue;
    if (hops.length > MAX_UPSTREAM_DEPTH) {
      await logOnce(db, run.id, `upstream refresh of ${slug} stopped: ${hops.length} runs in a row exceed the depth of ${MAX_UPSTREAM_DEPTH}`, "warn", {
        event: "upstream_depth",
        notebook: slug,
        assets,
        chain: hops,
      });
      continue;
    }
    const partition = ended.partition !== null && found.hasPartition ? ended.partition : null;
    const triggered = await deps.triggers.triggerRun({
      workspaceId: run.workspaceId,
      notebook: slug,
      selection: assets,
      trigger: "upstream",
      jobKey: upstreamJobKey(run.id, slug),
      chain: hops,
      ...(partition === null ? {} : { partition }),
    });
    const at = partition === null ? "" : ` (partition ${partition})`;
    await logOnce(db, run.id, `refresh on upstream update: run ${triggered.runId} of ${slug} for ${assets.join(", ")}${at}`, "info", {
      event: "upstream_triggered",
      triggeredRunId: triggered.runId,
      notebook: slug,
      assets,
      partition,
    });
    refreshes.push({ notebook: slug, assets, runId: triggered.runId, created: triggered.created });
  }
  return refreshes;
}

/** The end-of-run hook: a failure is logged in the run, which still ends. */
export async function refreshAfterRun(deps: UpstreamRefreshDeps, ended: EndedRun): Promise<void> {
  try {
    await triggerUpstreamRefresh(deps, ended);
  } catch (error) {
    await appendRunLog(deps.db, ended.run.id, { message: `upstream refresh failed: ${errorMessage(error)}`, level: "error", data: { event: "upstream_failed", error: errorMessage(error) } });
  }
}

async function materializedBy(db: CatalogDb, runId: string): Promise<string[]> {
  const rows = await db.materialization.findMany({ where: { runId, status: "succeeded" }, select: { asset: { select: { name: true } } } });
  return [...new Set(rows.map((row) => row.asset.name))].sort();
}

interface RefreshingNotebook {
  slug: string;
  nb: Notebook;
  /** Its asset cells that refresh on upstream update. */
  refreshing: string[];
}

/** The workspace's notebooks with a cell that refreshes on upstream update, by slug; and the problems of those that cannot be read. */
async function refreshingNotebooks(deps: UpstreamRefreshDeps, workspaceId: string): Promise<{ refreshing: RefreshingNotebook[]; problems: string[] }> {
  const found: RefreshingNotebook[] = [];
  const { notebooks, problems } = await readWorkspaceNotebooks(deps.db, workspaceId, deps.notebooksDir);
  for (const [slug, nb] of notebooks) {
    const refreshing = refreshingCells(nb);
    if (refreshing.length > 0) found.push({ slug, nb, refreshing });
  }
  return { refreshing: found, problems };
}

/** Per notebook (by slug), its assets that refresh on upstream update and read one of `updated`; `failed` names those whose graph threw. */
async function consumersOf(parser: SqlReferenceParser, notebooks: RefreshingNotebook[], updated: Set<string>, partition: string | null): Promise<{ consumers: Map<string, Consumers>; failed: string[] }> {
  const found = new Map<string, Consumers>();
  const failed: string[] = [];
  for (const { slug, nb, refreshing } of notebooks) {
    let upstream: Map<string, string[]>;
    try {
      upstream = await upstreamByCell(nb, parser);
    } catch (error) {
      failed.push(`${nb.file}: its graph cannot be built (${errorMessage(error)})`);
      continue;
    }
    const assets = refreshing.filter((name) => (upstream.get(name) ?? []).some((input) => updated.has(input.toLowerCase())));
    if (assets.length > 0) found.set(slug, { assets, hasPartition: partition !== null && hasPartitionKey(nb, partition) });
  }
  return { consumers: found, failed };
}

/** The asset cells whose own `refresh`, or else the front matter's, is on_upstream_update. */
function refreshingCells(nb: Notebook): string[] {
  const notebookRefresh = runKeysOf(nb.frontMatter).refresh;
  return nb.cells.flatMap((cell) => (cell.type === "asset" && (runKeysOf(cell.config).refresh ?? notebookRefresh) === "on_upstream_update" ? [cell.name] : []));
}

function hasPartitionKey(nb: Notebook, key: string): boolean {
  try {
    const def = notebookPartitions(nb.frontMatter);
    return def !== null && partitionWindow(def, key) !== null;
  } catch {
    return false; // invalid partitions: its own runs report that
  }
}

/** Appends a log line unless the run already has it (a retried end of run logs each line once). */
async function logOnce(db: CatalogDb, runId: string, message: string, level: "info" | "warn", data: Record<string, JsonValue>): Promise<void> {
  if ((await db.runEvent.count({ where: { runId, type: "log", message } })) > 0) return;
  await appendRunLog(db, runId, { message, level, data });
}
