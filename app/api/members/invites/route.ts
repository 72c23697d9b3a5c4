// POST: a one-time invite link with a role, optionally for one address (owners). The token
// is in this answer only; the catalog keeps its hash.
import { z } from "zod";
import { createInvite, emailSchema, requiredRole } from "@/lib/auth";
import { memberConflict } from "@/app/_lib/member-errors";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const body = z.object({ role: z.enum(["viewer", "editor", "owner"]), email: emailSchema.optional() });

export const POST = route({ role: requiredRole("manage_members"), body }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  const { invite, token } = await createInvite(db, { workspaceId, actorId: signedIn(principal).userId, role: body.role, email: body.email ?? null }).catch(memberConflict);
  return Response.json({ invite, path: `/invite?token=${encodeURIComponent(token)}` }, { status: 201 });
});
