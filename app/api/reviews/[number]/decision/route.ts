// POST: approves the current revision, or requests changes (a verdict on an older revision is refused).
import { requiredRole } from "@/lib/auth";
import { decideReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { reviewErrors } from "@/app/_lib/review-data";
import { decisionBody, reviewParams } from "@/app/_lib/review-params";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("approve_review"), params: reviewParams, body: decisionBody }, async ({ params, body, principal }) => {
  const { db, workspaceId } = await appContext();
  await reviewErrors(() => decideReview({ db, workspaceId }, { number: params.number, userId: signedIn(principal).userId, verdict: body.verdict, revision: body.revision }));
  return { ok: true };
});
