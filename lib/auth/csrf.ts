// CSRF defence for cookie-authenticated writes: session cookies are SameSite=Lax,
// and an unsafe method must come from the app's own origin (the Origin header, or
// Sec-Fetch-Site when a browser sends no Origin). Requests without either are
// refused: every browser sends one of them on a cross-site POST.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** The host the request was addressed to (what the browser saw). */
function targetHost(request: Request): string {
  return request.headers.get("host") ?? new URL(request.url).host;
}

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** True when a request may change state: a safe method, or a same-origin unsafe one. */
export function passesCsrfCheck(request: Request): boolean {
  if (isSafeMethod(request.method)) return true;
  const origin = request.headers.get("origin");
  if (origin !== null) return hostOf(origin) === targetHost(request);
  return request.headers.get("sec-fetch-site") === "same-origin";
}
