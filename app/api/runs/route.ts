// POST: trigger a production run of a notebook (optionally a selection of its assets).
// GET: the workspace's runs, newest first, filtered by status and notebook.
import { z } from "zod";
import { listRuns, RunInputError } from "@/lib/runs";
import { notebookSlug, runService, runsQuerySchema, toRunFilters } from "@/app/_lib/run-data";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const body = z.object({ notebook: notebookSlug, selection: z.array(z.string().min(1).max(200)).max(50).optional() });

export const POST = route({ role: "editor", body }, async ({ body, principal }) => {
  const { service, workspaceId } = await runService();
  try {
    const run = await service.triggerRun({ workspaceId, notebook: body.notebook, trigger: "manual", createdById: signedIn(principal).userId, ...(body.selection ? { selection: body.selection } : {}) });
    return { id: run.runId };
  } catch (error) {
    if (error instanceof RunInputError) throw new RouteError(404, error.message);
    throw error;
  }
});

export const GET = route({ role: "viewer", query: runsQuerySchema }, async ({ query }) => {
  const { db, workspaceId } = await appContext();
  return { runs: await listRuns(db, workspaceId, toRunFilters(query)) };
});
