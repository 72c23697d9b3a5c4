// POST: promotes the review's build when its rules allow (approvals, a green build, production
// unmoved); a refusal is `{ ok: false, reason }`, changing nothing. Closes the review. 403 while
// production follows a git branch.
import { requiredRole } from "@/lib/auth";
import { promoteReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { assertNotFollowingBranch, withReviews } from "@/app/_lib/review-data";
import { reviewParams } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("promote_review"), params: reviewParams }, async ({ params, principal }) => {
  assertNotFollowingBranch();
  return { ...(await withReviews((deps) => promoteReview(deps, { number: params.number, actorId: signedIn(principal).userId }))) };
});
