// POST: abandons an open review and drops its environment.
import { requiredRole } from "@/lib/auth";
import { abandonReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { reviewParams } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("propose_review"), params: reviewParams }, async ({ params, principal }) => {
  await withReviews((deps) => abandonReview(deps, { number: params.number, actorId: signedIn(principal).userId }));
  return { ok: true };
});
