// POST: trigger a production run of a notebook (optionally a selection of its assets, one
// partition). `trigger: "cli"` is for callers holding an API token (`assetbook trigger`).
// GET: the workspace's runs, newest first, filtered by status and notebook.
import { z } from "zod";
import { latestNotebookVersion } from "@/lib/catalog";
import { isRunInputError, runsPage } from "@/lib/runs";
import { readNotebook } from "@/lib/workspace/notebook-files";
import { notebookSlug, runsPort, runsQuerySchema, toRunFilters } from "@/app/_lib/run-data";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const body = z.object({
  notebook: notebookSlug,
  /** Selectors: `name`, `name+` (and below), `+name` (and above), `+name+`. */
  selection: z.array(z.string().min(1).max(200)).max(50).optional(),
  partition: z.string().min(1).max(200).optional(),
  trigger: z.enum(["manual", "cli"]).default("manual"),
  /** Incremental cells built whole, as on their first run. */
  fullRefresh: z.boolean().optional(),
  /** The run's parameters, as text: each is checked against the notebook's declaration. */
  params: z.record(z.string().min(1).max(100), z.string().max(10_000)).optional(),
});

export const POST = route({ role: "editor", body }, async ({ body, principal }) => {
  const caller = signedIn(principal);
  if (body.trigger === "cli" && caller.apiTokenId === undefined) {
    throw new RouteError(400, "invalid request: body.trigger", { fields: { "body.trigger": ['"cli" is for requests authenticated with an API token'] } });
  }
  const { runs, workspaceId } = await runsPort();
  // An unknown notebook is the caller's mistake: 404 before triggering.
  if (!(await notebookExists(workspaceId, body.notebook))) throw new RouteError(404, `notebook "${body.notebook}" is neither in the notebooks directory nor in the catalog`);
  try {
    const run = await runs.triggerRun({
      workspaceId,
      notebook: body.notebook,
      trigger: body.trigger,
      createdById: caller.userId,
      ...(body.selection ? { selection: body.selection } : {}),
      ...(body.partition === undefined ? {} : { partition: body.partition }),
      ...(body.fullRefresh ? { fullRefresh: true } : {}),
      ...(body.params ? { params: body.params } : {}),
    });
    return { id: run.runId };
  } catch (error) {
    if (isRunInputError(error)) throw new RouteError(error.kind === "invalid" ? 422 : 404, error.message);
    throw error;
  }
});

/** What triggerRun would run: the catalog's latest version, or the file in the notebooks directory. */
async function notebookExists(workspaceId: string, slug: string): Promise<boolean> {
  const { db, notebooksDir } = await appContext();
  return (await latestNotebookVersion(db, workspaceId, slug)) !== null || (await readNotebook(notebooksDir, slug)) !== null;
}

export const GET = route({ role: "viewer", query: runsQuerySchema }, async ({ query }) => {
  const { db, workspaceId } = await appContext();
  // `older`, when there are more: pass it back as `before` for the next page.
  return await runsPage(db, workspaceId, toRunFilters(query));
});
