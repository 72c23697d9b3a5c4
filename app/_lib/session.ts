// The caller of a request, for the proxy, route handlers and pages.
import { principalFromHeaders, type Principal } from "@/lib/auth";
import { appConfig } from "./config";
import { appContext } from "./server-context";

export type { Principal };

export async function principalOf(headers: Headers): Promise<Principal | null> {
  const { auth, db, workspaceId } = await appContext();
  return principalFromHeaders(auth, db, workspaceId, headers);
}

/** How many reverse proxies in front of the app append to X-Forwarded-For (ASSETBOOK_TRUSTED_PROXIES). */
export function trustedProxies(): number {
  return appConfig().trustedProxies;
}
