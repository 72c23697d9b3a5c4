// PATCH: resolves a thread (or opens it again).
import { z } from "zod";
import { requiredRole } from "@/lib/auth";
import { resolveReviewThread } from "@/lib/reviews/service";
import { route, signedIn } from "@/app/_lib/route";
import { reviewErrors } from "@/app/_lib/review-data";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

const params = z.object({ number: z.coerce.number().int().positive(), id: z.uuid() });

export const PATCH = route({ role: requiredRole("comment_review"), params, body: z.object({ resolved: z.boolean() }) }, async ({ params, body, principal }) => {
  const { db, workspaceId } = await appContext();
  await reviewErrors(() => resolveReviewThread({ db, workspaceId }, { number: params.number, threadId: params.id, userId: signedIn(principal).userId, resolved: body.resolved }));
  return { ok: true };
});
