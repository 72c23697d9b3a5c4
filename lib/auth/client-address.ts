// The client's network address, for per-address sign-in limits. HTTP gives it to us only
// through X-Forwarded-For, which a client can write itself, so how far to believe it is an
// operator's setting: the number of reverse proxies in front of the app, each appending
// the address it received the request from.
//
// - 0 (the default, no proxy): the app's proxy (proxy.ts) removes any X-Forwarded-For the
//   client sent, and Next.js then sets it to the socket's peer address: one entry, true.
// - n > 0: the header arrives as the proxies wrote it (Next.js adds nothing to a header
//   that is present); the client is the entry the outermost trusted proxy appended, the
//   n-th from the right. Anything further left came from the client and is ignored.
/** The request headers to pass on: with no trusted proxy, without the client's own X-Forwarded-For. */
export function withoutUntrustedForwarding(headers: Headers, trustedProxies: number): Headers {
  const out = new Headers(headers);
  if (trustedProxies === 0) out.delete("x-forwarded-for");
  return out;
}

/** The client's address, or null when the header does not carry one this far. */
export function clientAddress(headers: Headers, trustedProxies: number): string | null {
  const entries = (headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  return entries[entries.length - Math.max(1, trustedProxies)] ?? null;
}
