// POST: plans the current revision again over production as it is now and builds it.
import { requiredRole } from "@/lib/auth";
import { rebuildReview } from "@/lib/reviews/service";
import { route } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { reviewParams } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("propose_review"), params: reviewParams }, async ({ params }) => {
  await withReviews((deps) => rebuildReview(deps, params.number));
  return { ok: true };
});
