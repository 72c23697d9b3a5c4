// Binds the run views and the run service in lib/runs to the server's store and its
// embedded workers, with the query strings parsed by zod.
import { z } from "zod";
import { RUN_STATUSES, listRuns, runDetail, type RunFilters } from "@/lib/runs";
import type { RunService } from "@/lib/runs";
import { RouteError } from "./route";
import { appContext, appWorkers } from "./server-context";

const blank = (v: unknown) => (v === "" || Array.isArray(v) ? undefined : v);
export const notebookSlug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/i, "a notebook slug is letters, digits, - and _").max(200);

export const runsQuerySchema = z.object({
  status: z.preprocess(blank, z.enum(RUN_STATUSES).optional()).catch(undefined),
  notebook: z.preprocess(blank, notebookSlug.optional()).catch(undefined),
});
export type RunsQuery = z.infer<typeof runsQuerySchema>;

export function toRunFilters(query: RunsQuery): RunFilters {
  return { ...(query.status ? { status: query.status } : {}), ...(query.notebook ? { notebook: query.notebook } : {}) };
}

export async function loadRuns(query: RunsQuery) {
  const { db, workspaceId } = await appContext();
  const [runs, notebooks] = await Promise.all([listRuns(db, workspaceId, toRunFilters(query)), db.notebook.findMany({ where: { workspaceId }, select: { slug: true }, orderBy: { slug: "asc" } })]);
  return { runs, notebooks: notebooks.map((n) => n.slug) };
}

export async function loadRun(id: string) {
  const { db, workspaceId } = await appContext();
  return runDetail(db, workspaceId, id);
}

/** The run service of the workers in this process; 503 when none run here. */
export async function runService(): Promise<{ service: RunService; workspaceId: string }> {
  const workers = await appWorkers();
  if (workers === null) throw new RouteError(503, "no workers run in this server (team mode runs `npm run worker`, or ASSETBOOK_WORKERS is off)");
  const { workspaceId } = await appContext();
  return { service: workers.service, workspaceId };
}
