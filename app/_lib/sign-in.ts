// Signs in through better-auth and answers with its session cookie only: the session
// token never appears in a response body. The sign-in form's route goes through the
// throttle (lib/auth/sign-in-throttle.ts) first: better-auth's own rate limiter is not on
// this path (we call its API directly), so ours is the only one.
import { clientAddress, SignInThrottle, type Auth } from "@/lib/auth";
import { trustedProxies } from "./session";

const holder = globalThis as typeof globalThis & { __assetbookSignInThrottle?: SignInThrottle };

/** The process's one throttle (on globalThis: every bundle that loads this module shares it). */
function throttle(): SignInThrottle {
  holder.__assetbookSignInThrottle ??= new SignInThrottle();
  return holder.__assetbookSignInThrottle;
}

/** Refused attempts look the same whichever limit refused them and whether or not the account exists. */
export const TOO_MANY_ATTEMPTS = "too many sign-in attempts: wait a moment and try again";

export async function signInResponse(auth: Auth, email: string, password: string, headers: Headers): Promise<Response> {
  const result = await auth.api.signInEmail({ body: { email, password }, headers, asResponse: true });
  if (result.status !== 200) return Response.json({ error: "wrong email or password" }, { status: 401 });
  const response = Response.json({ ok: true });
  for (const cookie of result.headers.getSetCookie()) response.headers.append("set-cookie", cookie);
  return response;
}

/**
 * Sign-in with email and password, limited per account and per client address: past a
 * limit, 429 with Retry-After (in seconds) before any password is checked, so a locked-out
 * caller learns nothing, not even whether the password was right. `email` is normalized
 * (signInSchema), so one account is one key however it is typed.
 */
export async function throttledSignInResponse(auth: Auth, email: string, password: string, headers: Headers): Promise<Response> {
  const admission = throttle().admit(email, clientAddress(headers, trustedProxies()));
  if (!admission.admitted) {
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000));
    return Response.json({ error: TOO_MANY_ATTEMPTS }, { status: 429, headers: { "retry-after": String(seconds) } });
  }
  let response: Response;
  try {
    response = await signInResponse(auth, email, password, headers);
  } catch (error) {
    // An attempt that errored counts as failed: failing must never be a way around the limit.
    admission.attempt.failed();
    throw error;
  }
  if (response.status === 200) admission.attempt.succeeded();
  else admission.attempt.failed();
  return response;
}
