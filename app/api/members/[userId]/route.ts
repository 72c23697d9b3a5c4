// PATCH: give a member another role. DELETE: remove a member (signed out at once). The
// last owner is protected from both (409). Owners only.
import { z } from "zod";
import { changeMemberRole, removeMember, requiredRole } from "@/lib/auth";
import { memberConflict } from "@/app/_lib/member-errors";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const params = z.object({ userId: z.string().min(1).max(100) });
const manage = requiredRole("manage_members");

export const PATCH = route({ role: manage, params, body: z.object({ role: z.enum(["viewer", "editor", "owner"]) }) }, async ({ params, body, principal }) => {
  const { db, workspaceId } = await appContext();
  const member = await changeMemberRole(db, { workspaceId, actorId: signedIn(principal).userId, userId: params.userId, role: body.role }).catch(memberConflict);
  return { member };
});

export const DELETE = route({ role: manage, params }, async ({ params, principal }) => {
  const { db, workspaceId } = await appContext();
  await removeMember(db, { workspaceId, actorId: signedIn(principal).userId, userId: params.userId }).catch(memberConflict);
  return { removed: true };
});
