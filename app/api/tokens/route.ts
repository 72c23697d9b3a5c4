// GET: API tokens (names and dates, never the token): the caller's own, or with
// `scope=workspace` every member's (owners only). POST: create one for the caller; the
// token is in this answer and nowhere else, ever. Tokens cannot mint tokens: creating one
// needs a signed-in session.
import { z } from "zod";
import { apiTokenNameSchema, can, createApiToken, listApiTokens, requiredRole, type ApiTokenListItem } from "@/lib/auth";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

const query = z.object({ scope: z.enum(["mine", "workspace"]).default("mine") });

const iso = (date: Date | null) => date?.toISOString() ?? null;

function tokenJson(token: ApiTokenListItem, callerId: string) {
  return {
    id: token.id,
    name: token.name,
    user: token.user,
    mine: token.userId === callerId,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: iso(token.lastUsedAt),
    expiresAt: iso(token.expiresAt),
    revokedAt: iso(token.revokedAt),
  };
}

export const GET = route({ role: requiredRole("manage_own_api_tokens"), query }, async ({ query, principal }) => {
  const caller = signedIn(principal);
  if (query.scope === "workspace" && !can(caller.role, "revoke_any_api_token")) throw new RouteError(403, "every member's tokens are for owners");
  const { db, workspaceId } = await appContext();
  const tokens = await listApiTokens(db, workspaceId, query.scope === "mine" ? { userId: caller.userId } : {});
  return Response.json({ tokens: tokens.map((t) => tokenJson(t, caller.userId)) }, { headers: { "cache-control": "no-store" } });
});

const body = z.object({
  name: apiTokenNameSchema,
  /** Days until the token stops working; absent: no expiry. */
  expiresInDays: z.number().int().positive().max(3660).optional(),
});

export const POST = route({ role: requiredRole("manage_own_api_tokens"), body }, async ({ body, principal }) => {
  const caller = signedIn(principal);
  if (caller.apiTokenId !== undefined) throw new RouteError(403, "API tokens are created from a signed-in session, not with another token");
  const { db, workspaceId } = await appContext();
  const expiresAt = body.expiresInDays === undefined ? null : new Date(Date.now() + body.expiresInDays * 86_400_000);
  const { token, view } = await createApiToken(db, { workspaceId, userId: caller.userId, name: body.name, expiresAt });
  return Response.json({ id: view.id, name: view.name, token, expiresAt: iso(view.expiresAt) }, { status: 201, headers: { "cache-control": "no-store" } });
});
