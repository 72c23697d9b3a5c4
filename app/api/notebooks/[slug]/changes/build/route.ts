// POST: builds the notebook's working copy into its environment (`edit-<slug>`), reading
// production in place for what it does not rebuild; production is not written. 422 when
// the working copy does not plan; the build's outcome otherwise (ok false: an asset or an
// error-severity check failed).
import { z } from "zod";
import { withChanges } from "@/app/_lib/lifecycle-data";
import { route, RouteError } from "@/app/_lib/route";
import { formatIssue } from "@/lib/notebook/types";
import { buildNotebookChanges, notebookEnv } from "@/lib/runs/notebook-changes";
import { notebookSlugSchema } from "@/lib/workspace/slug";

export const runtime = "nodejs";

export const POST = route({ role: "editor", params: z.object({ slug: notebookSlugSchema }) }, async ({ params }) => {
  const result = await withChanges((deps) => buildNotebookChanges(deps, params.slug), { extract: true });
  if (!result.ok) throw new RouteError(422, result.issues.map(formatIssue).join("\n"));
  return { env: notebookEnv(params.slug), ok: result.summary.ok, built: result.built, reused: result.reused, outcomes: result.summary.outcomes };
});
