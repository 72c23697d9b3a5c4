// DELETE: revoke a pending invite; its link stops working at once (owners).
import { z } from "zod";
import { requiredRole, revokeInvite } from "@/lib/auth";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const DELETE = route({ role: requiredRole("manage_members"), params: z.object({ id: z.uuid() }) }, async ({ params, principal }) => {
  const { db, workspaceId } = await appContext();
  const revoked = await revokeInvite(db, { workspaceId, actorId: signedIn(principal).userId, inviteId: params.id });
  if (!revoked) throw new RouteError(404, "no pending invite with this id");
  return { revoked: true };
});
