// POST: sign in with email and password (401 when wrong, 429 past the sign-in limits).
// DELETE: sign out.
import { signInSchema } from "@/lib/auth";
import { route } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { throttledSignInResponse } from "@/app/_lib/sign-in";

export const POST = route({ role: "public", body: signInSchema }, async ({ body, request }) => {
  const { auth } = await appContext();
  return throttledSignInResponse(auth, body.email, body.password, request.headers);
});

export const DELETE = route({ role: "viewer" }, async ({ request }) => {
  const { auth } = await appContext();
  const result = await auth.api.signOut({ headers: request.headers, asResponse: true });
  const response = Response.json({ ok: true });
  for (const cookie of result.headers.getSetCookie()) response.headers.append("set-cookie", cookie);
  return response;
});
