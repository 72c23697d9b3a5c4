// GET: the review policy in force (and as set). PUT: an owner sets the approvals a review
// needs and whether production changes only through approved reviews (null: the default).
import { z } from "zod";
import { requiredRole } from "@/lib/auth";
import { reviewPolicy } from "@/lib/reviews/rules";
import { reviewSettings, setReviewSettings } from "@/lib/reviews/store";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

export const GET = route({ role: requiredRole("read") }, async () => {
  const { db, workspaceId } = await appContext();
  const { settings, members } = await reviewSettings(db, workspaceId);
  return { settings, policy: reviewPolicy(settings, members), members };
});

const body = z.object({ approvals: z.number().int().min(0).max(20).nullable(), required: z.boolean().nullable() });

export const PUT = route({ role: requiredRole("manage_review_policy"), body }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  await setReviewSettings(db, { workspaceId, actorId: signedIn(principal).userId, settings: body });
  const { settings, members } = await reviewSettings(db, workspaceId);
  return { settings, policy: reviewPolicy(settings, members), members };
});
