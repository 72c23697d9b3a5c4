// The caller of a request, for route handlers and pages.
import { principalFromHeaders, type Principal } from "@/lib/auth";
import { appContext } from "./server-context";

export type { Principal };

export async function principalOf(headers: Headers): Promise<Principal | null> {
  const { auth, db, workspaceId } = await appContext();
  return principalFromHeaders(auth, db, workspaceId, headers);
}
