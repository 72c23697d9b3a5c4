// POST: the review of a git branch, as `assetbook review open` sends it from CI: the texts of
// the notebooks the branch changed (read from its commit). The first push opens the review,
// each push with other texts is its next revision, the same texts again change nothing.
import { requiredRole } from "@/lib/auth";
import { openBranchReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { branchBody } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("propose_review"), body: branchBody }, async ({ body, principal }) => {
  const { commit, ...rest } = body;
  const result = await withReviews((deps) => openBranchReview(deps, { authorId: signedIn(principal).userId, ...rest, ...(commit ? { commit } : {}) }));
  return Response.json({ ...result, url: `/reviews/${result.number}` }, { status: result.created ? 201 : 200 });
});
