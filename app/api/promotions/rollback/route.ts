// POST: points production back to what it served before a promotion (default: the latest),
// in one step, nothing recomputed. 409 when there is nothing to roll back or the old
// versions are no longer kept.
import { z } from "zod";
import { withChanges } from "@/app/_lib/lifecycle-data";
import { route, RouteError } from "@/app/_lib/route";
import { rollbackProduction } from "@/lib/runs/notebook-changes";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ to: z.string().min(1).max(100).optional() }) }, async ({ body }) => {
  const result = await withChanges((deps) => rollbackProduction(deps, body.to));
  if (!result.ok) throw new RouteError(409, result.reason);
  return result;
});
