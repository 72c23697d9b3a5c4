// POST: promotes the notebook's built environment: production serves its versions and its
// text in one step, nothing recomputed. 409, changing nothing, when the build is missing,
// failed or stale (the answer names what is stale). 403 while the workspace promotes only reviews.
import { z } from "zod";
import { withChanges } from "@/app/_lib/lifecycle-data";
import { assertPlainPromoteOpen } from "@/app/_lib/review-data";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { recordAudit } from "@/lib/catalog";
import { appContext } from "@/app/_lib/server-context";
import { promoteNotebookChanges } from "@/lib/runs/notebook-changes";
import { notebookSlugSchema } from "@/lib/workspace/slug";

export const runtime = "nodejs";

export const POST = route({ role: "editor", params: z.object({ slug: notebookSlugSchema }) }, async ({ params, principal }) => {
  await assertPlainPromoteOpen();
  const result = await withChanges((deps) => promoteNotebookChanges(deps, params.slug));
  if (!result.ok) throw new RouteError(409, result.reason);
  const { db, workspaceId } = await appContext();
  await recordAudit(db, { workspaceId, actorId: signedIn(principal).userId, action: "production.promote", targetType: "promotion", targetId: result.promotion, data: { notebook: params.slug, changed: result.changed } });
  return result;
});
