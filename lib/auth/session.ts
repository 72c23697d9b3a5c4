// Who is calling: an API token (`Authorization: Bearer`), else the better-auth session from
// the cookie, joined to the caller's membership of the workspace. A session without a
// membership is no one.
import type { Role } from "../catalog/generated/enums";
import type { CatalogDb } from "../catalog/store";
import { bearerCredential, verifyApiToken } from "./api-tokens";
import type { Auth } from "./better-auth";

export interface Principal {
  userId: string;
  email: string;
  name: string;
  role: Role;
  workspaceId: string;
  /** Set when the caller authenticated with this API token rather than a session cookie. */
  apiTokenId?: string;
}

export async function principalFromHeaders(auth: Auth, db: CatalogDb, workspaceId: string, headers: Headers): Promise<Principal | null> {
  // A bearer request is the token's alone: a cookie beside it is never consulted.
  const bearer = bearerCredential(headers);
  if (bearer !== null) return verifyApiToken(db, workspaceId, bearer);
  const session = await auth.api.getSession({ headers });
  if (!session) return null;
  const member = await db.member.findUnique({ where: { workspaceId_userId: { workspaceId, userId: session.user.id } } });
  if (!member) return null;
  return { userId: session.user.id, email: session.user.email, name: session.user.name, role: member.role, workspaceId };
}
