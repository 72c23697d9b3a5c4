// The decision every API request goes through: public routes pass (CSRF-checked
// when they write), everything else needs a session (or an API token) of a member with at
// least the route's role. Share tokens never open an API: they are refused outright on any
// write or run endpoint, and carry no rights elsewhere.
import type { Role } from "../catalog/generated/enums";
import { bearerCredential } from "./api-tokens";
import { isSafeMethod, passesCsrfCheck } from "./csrf";
import { roleAtLeast } from "./roles";
import type { Principal } from "./session";

/** `signed`: a public route whose request carries its own credential (a webhook's signature), with no cookie to ride on: no CSRF check. */
export type Access = Role | "public" | "signed";

export const BAD_API_TOKEN = "the API token is invalid, revoked or expired";

export type Decision = { ok: true; principal: Principal | null } | { ok: false; status: 401 | 403; error: string };

/** True when the request presents a share token (header, `Authorization: Share …`, or `?share=`). */
export function presentsShareToken(request: Request): boolean {
  if (request.headers.get("x-share-token") !== null) return true;
  if (/^share\s/i.test(request.headers.get("authorization") ?? "")) return true;
  return new URL(request.url).searchParams.has("share");
}

export async function authorizeApiRequest(
  request: Request,
  access: Access,
  principalOf: (headers: Headers) => Promise<Principal | null>,
): Promise<Decision> {
  if (access === "signed") return { ok: true, principal: null };
  const writes = !isSafeMethod(request.method) || (access !== "public" && access !== "viewer");
  if (writes && presentsShareToken(request)) return { ok: false, status: 403, error: "share links are read-only" };
  if (access !== "public") {
    const principal = await principalOf(request.headers);
    if (!principal) return { ok: false, status: 401, error: bearerCredential(request.headers) === null ? "sign in first" : BAD_API_TOKEN };
    // A bearer request carries no ambient credential (no cookie) a cross-site page could ride on.
    if (principal.apiTokenId === undefined && !passesCsrfCheck(request)) return { ok: false, status: 403, error: "cross-site request refused" };
    if (!roleAtLeast(principal.role, access)) return { ok: false, status: 403, error: `this needs the ${access} role` };
    return { ok: true, principal };
  }
  if (!passesCsrfCheck(request)) return { ok: false, status: 403, error: "cross-site request refused" };
  return { ok: true, principal: null };
}
