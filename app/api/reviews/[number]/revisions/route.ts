// POST: pushes the working copies of the review's notebooks (and any named) as its next
// revision: planned, built (what changed since is rebuilt), and its verdicts reset.
import { requiredRole } from "@/lib/auth";
import { reviseReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { reviewParams, reviseBody } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("propose_review"), params: reviewParams, body: reviseBody }, async ({ params, body, principal }) => {
  const result = await withReviews((deps) => reviseReview(deps, { number: params.number, authorId: signedIn(principal).userId, ...(body.notebooks ? { notebooks: body.notebooks } : {}) }));
  return Response.json(result, { status: 201 });
});
