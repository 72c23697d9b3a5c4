// POST: accept an invite with its one-time token: creates the account and the membership,
// then signs the new member in. Public: the token is the credential.
import { z } from "zod";
import { acceptInvite, MemberError, newUserSchema } from "@/lib/auth";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { signInResponse } from "@/app/_lib/sign-in";

const body = newUserSchema.extend({ token: z.string().min(1).max(200) });

export const POST = route({ role: "public", body }, async ({ body, request }) => {
  const { db, auth, workspaceId } = await appContext();
  try {
    await acceptInvite(db, auth, { workspaceId, ...body });
  } catch (error) {
    if (error instanceof MemberError) throw new RouteError(403, error.message);
    throw error;
  }
  return signInResponse(auth, body.email, body.password, request.headers);
});
