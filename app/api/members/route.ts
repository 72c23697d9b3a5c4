// GET: members, their roles and the invites (owners). POST: add a member with a role and
// an initial password (owners; the members page invites instead).
import { z } from "zod";
import { addMember, listInvites, listMembers, newUserSchema, requiredRole } from "@/lib/auth";
import { memberConflict } from "@/app/_lib/member-errors";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const manage = requiredRole("manage_members");

export const GET = route({ role: manage }, async () => {
  const { db, workspaceId } = await appContext();
  const [members, invites] = await Promise.all([listMembers(db, workspaceId), listInvites(db, workspaceId)]);
  return { members, invites };
});

const body = newUserSchema.extend({ role: z.enum(["viewer", "editor", "owner"]) });

export const POST = route({ role: manage, body }, async ({ body, principal }) => {
  const { db, auth, workspaceId } = await appContext();
  const user = await addMember(db, auth, { workspaceId, actorId: signedIn(principal).userId, ...body }).catch(memberConflict);
  return Response.json({ userId: user.id, email: user.email, role: body.role }, { status: 201 });
});
