// Signs in through better-auth and answers with its session cookie only: the session
// token never appears in a response body.
import type { Auth } from "@/lib/auth";

export async function signInResponse(auth: Auth, email: string, password: string, headers: Headers): Promise<Response> {
  const result = await auth.api.signInEmail({ body: { email, password }, headers, asResponse: true });
  if (result.status !== 200) return Response.json({ error: "wrong email or password" }, { status: 401 });
  const response = Response.json({ ok: true });
  for (const cookie of result.headers.getSetCookie()) response.headers.append("set-cookie", cookie);
  return response;
}
