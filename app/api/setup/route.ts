// POST: first-run setup with the one-time token from the server log; signs the owner in.
import { z } from "zod";
import { completeSetup, newUserSchema, SetupError } from "@/lib/auth";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { signInResponse } from "@/app/_lib/sign-in";

const body = newUserSchema.extend({ token: z.string().min(1).max(200) });

export const POST = route({ role: "public", body }, async ({ body, request }) => {
  const { db, auth, workspaceId } = await appContext();
  try {
    await completeSetup(db, auth, { workspaceId, ...body });
  } catch (error) {
    if (error instanceof SetupError) throw new RouteError(403, error.message);
    throw error;
  }
  return signInResponse(auth, body.email, body.password, request.headers);
});
