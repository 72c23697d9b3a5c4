// GET: members and roles. POST: add a member with a role and an initial password (owners).
import { z } from "zod";
import { addMember, listMembers, MemberError, newUserSchema } from "@/lib/auth";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "owner" }, async () => {
  const { db, workspaceId } = await appContext();
  return { members: await listMembers(db, workspaceId) };
});

const body = newUserSchema.extend({ role: z.enum(["viewer", "editor", "owner"]) });

export const POST = route({ role: "owner", body }, async ({ body, principal }) => {
  const { db, auth, workspaceId } = await appContext();
  try {
    const user = await addMember(db, auth, { workspaceId, actorId: signedIn(principal).userId, ...body });
    return Response.json({ userId: user.id, email: user.email, role: body.role }, { status: 201 });
  } catch (error) {
    if (error instanceof MemberError) throw new RouteError(409, error.message);
    throw error;
  }
});
