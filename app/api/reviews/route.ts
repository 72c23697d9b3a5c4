// GET: the workspace's reviews (filter: open, mine, waiting for me, promoted, all; and a git branch's).
// POST: proposes the working copies of notebooks as a review, planned against production;
// its environment is built on the workers.
import { z } from "zod";
import { requiredRole } from "@/lib/auth";
import { proposeReview } from "@/lib/reviews/service";
import { listReviews } from "@/lib/reviews/store";
import { route, signedIn } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { branchSchema, proposeBody, reviewFilterSchema } from "@/app/_lib/review-params";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

export const GET = route({ role: requiredRole("read"), query: z.object({ filter: reviewFilterSchema.default("open"), branch: branchSchema.optional() }) }, async ({ query, principal }) => {
  const { db, workspaceId } = await appContext();
  return { reviews: await listReviews(db, workspaceId, query.filter, signedIn(principal).userId, query.branch === undefined ? {} : { branch: query.branch }) };
});

export const POST = route({ role: requiredRole("propose_review"), body: proposeBody }, async ({ body, principal }) => {
  const { number } = await withReviews((deps) => proposeReview(deps, { authorId: signedIn(principal).userId, ...body }));
  return Response.json({ number, url: `/reviews/${number}` }, { status: 201 });
});
