// GET: the notebook's working copy against production: the plan, the last build of it
// (status, checks), the data diff of what it changes, and production's recent promotions.
import { z } from "zod";
import { withChanges } from "@/app/_lib/lifecycle-data";
import { route } from "@/app/_lib/route";
import { notebookChanges } from "@/lib/runs/notebook-changes";
import { notebookSlugSchema } from "@/lib/workspace/slug";

export const runtime = "nodejs";

export const GET = route({ role: "viewer", params: z.object({ slug: notebookSlugSchema }) }, async ({ params }) => ({ ...(await withChanges((deps) => notebookChanges(deps, params.slug))) }));
