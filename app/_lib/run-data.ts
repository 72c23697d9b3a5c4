// Binds the run views and the run triggers in lib/runs to the server's store: its embedded
// workers, or in team mode the shared queue; query strings parsed by zod.
import { z } from "zod";
import { RUN_STATUSES, runDetail, runsPage, type RunFilters } from "@/lib/runs";
import type { RunTriggers } from "@/lib/runs";
import { notebookSlugSchema } from "@/lib/workspace/slug";
import { RouteError } from "./route";
import { appContext, appTeamTriggers, appWorkers } from "./server-context";

const blank = (v: unknown) => (v === "" || Array.isArray(v) ? undefined : v);
export const notebookSlug = notebookSlugSchema;

export const runsQuerySchema = z.object({
  status: z.preprocess(blank, z.enum(RUN_STATUSES).optional()).catch(undefined),
  notebook: z.preprocess(blank, notebookSlug.optional()).catch(undefined),
  /** A run's id: the page of the runs older than it. */
  before: z.preprocess(blank, z.string().uuid().optional()).catch(undefined),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export function toRunFilters(query: RunsQuery): RunFilters {
  return { ...(query.status ? { status: query.status } : {}), ...(query.notebook ? { notebook: query.notebook } : {}), ...(query.before ? { before: query.before } : {}) };
}

/** A page of runs; `older` is the last one's id when there are runs before it. */
export async function loadRuns(query: RunsQuery) {
  const { db, workspaceId } = await appContext();
  const [page, notebooks] = await Promise.all([
    runsPage(db, workspaceId, toRunFilters(query)),
    db.notebook.findMany({ where: { workspaceId }, select: { slug: true }, orderBy: { slug: "asc" } }),
  ]);
  return { ...page, notebooks: notebooks.map((n) => n.slug) };
}

export async function loadRun(id: string) {
  const { db, workspaceId } = await appContext();
  return runDetail(db, workspaceId, id);
}

/** What the run routes need: trigger and cancel (the in-process RunService, or team mode's RunTriggers). */
export type RunsPort = Pick<RunTriggers, "triggerRun" | "cancelRun">;

/**
 * The runs port of this server. Embedded: the workers in this process. Team (the catalog on
 * PostgreSQL): triggers that enqueue for `npm run worker`. 503 when neither is available.
 */
export async function runsPort(): Promise<{ runs: RunsPort; workspaceId: string }> {
  const { workspaceId } = await appContext();
  const team = await appTeamTriggers();
  if (team !== null) return { runs: team.triggers, workspaceId };
  const workers = await appWorkers();
  if (workers === null) throw new RouteError(503, "no workers run in this server (ASSETBOOK_WORKERS is off, or they failed to start: see the server log)");
  return { runs: workers.service, workspaceId };
}
