// POST: a comment on the review, on a cell, or on a line of a cell's code; or a reply to a thread.
import { requiredRole } from "@/lib/auth";
import { commentOnReview } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { commentBody, reviewParams } from "@/app/_lib/review-params";
import { reviewErrors } from "@/app/_lib/review-data";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

export const POST = route({ role: requiredRole("comment_review"), params: reviewParams, body: commentBody }, async ({ params, body, principal }) => {
  const { db, workspaceId } = await appContext();
  const { threadId, notebook, cell, line, ...rest } = body;
  const comment = await reviewErrors(() =>
    commentOnReview({ db, workspaceId }, { number: params.number, authorId: signedIn(principal).userId, ...rest, ...(threadId ? { threadId } : {}), ...(notebook ? { notebook } : {}), ...(cell ? { cell } : {}), ...(line ? { line } : {}) }),
  );
  return Response.json(comment, { status: 201 });
});
