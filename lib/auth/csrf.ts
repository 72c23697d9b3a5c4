// CSRF defence for cookie-authenticated writes: session cookies are SameSite=Lax,
// and an unsafe method must come from the app's own origin (the Origin header, or
// Sec-Fetch-Site when a browser sends no Origin). Requests without either are
// refused: every browser sends one of them on a cross-site POST. The whole origin is
// compared, scheme and port included: http://app and https://app are different sites to
// a browser, and a page served over plain http must not write to the https app.
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** The origin the request was addressed to (what the browser saw): the URL's scheme, the Host header. */
function targetOrigin(request: Request): string | null {
  const url = new URL(request.url);
  return originOf(`${url.protocol}//${request.headers.get("host") ?? url.host}`);
}

/** Scheme, host and port, normalized (a default port dropped); null when not a URL's origin. */
function originOf(value: string): string | null {
  try {
    const origin = new URL(value).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

/** True when a request may change state: a safe method, or a same-origin unsafe one. */
export function passesCsrfCheck(request: Request): boolean {
  if (isSafeMethod(request.method)) return true;
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const expected = targetOrigin(request);
    return expected !== null && originOf(origin) === expected;
  }
  return request.headers.get("sec-fetch-site") === "same-origin";
}
