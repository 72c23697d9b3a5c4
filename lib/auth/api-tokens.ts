// API tokens: a member's credential for scripts and the CLI (`Authorization: Bearer ab_…`).
// The token is shown once, at creation; only its sha256 is stored. A token acts as its
// member with the role they hold NOW: a demoted or removed member's tokens shrink or stop.
import { z } from "zod";
import { recordAudit } from "../catalog/audit";
import type { ApiToken } from "../catalog/generated/client";
import type { Role } from "../catalog/generated/enums";
import type { CatalogDb } from "../catalog/store";
import { TOKEN_BODY, hashToken, newToken, sameHash } from "../catalog/tokens";
import { can } from "./roles";
import type { Principal } from "./session";

export const API_TOKEN_PREFIX = "ab_";
const apiTokenSchema = z.string().startsWith(API_TOKEN_PREFIX).refine((t) => TOKEN_BODY.test(t.slice(API_TOKEN_PREFIX.length)));
export const apiTokenNameSchema = z.string().trim().min(1, "name the token").max(100, "at most 100 characters");

/** lastUsedAt is written at most this often per token: a busy script must not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** A token as pages may see it: never the token, never its hash. */
export interface ApiTokenView {
  id: string;
  name: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface ApiTokenListItem extends ApiTokenView {
  user: { email: string; name: string };
}

export interface CreateApiTokenInput {
  workspaceId: string;
  userId: string;
  name: string;
  expiresAt?: Date | null;
}

function toView(row: ApiToken): ApiTokenView {
  return { id: row.id, name: row.name, userId: row.userId, createdAt: row.createdAt, lastUsedAt: row.lastUsedAt, expiresAt: row.expiresAt, revokedAt: row.revokedAt };
}

/** Creates a token for a member; the returned `token` is the only copy there will ever be. */
export async function createApiToken(db: CatalogDb, input: CreateApiTokenInput): Promise<{ token: string; view: ApiTokenView }> {
  const name = apiTokenNameSchema.parse(input.name);
  const token = newToken(API_TOKEN_PREFIX);
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiToken.create({ data: { workspaceId: input.workspaceId, userId: input.userId, name, tokenHash: hashToken(token), expiresAt: input.expiresAt ?? null } });
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actorId: input.userId,
      action: "api_token.create",
      targetType: "api_token",
      targetId: created.id,
      data: { name, expiresAt: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { token, view: toView(row) };
}

/** Newest first: one member's tokens, or (no userId) every member's. */
export async function listApiTokens(db: CatalogDb, workspaceId: string, filter: { userId?: string } = {}): Promise<ApiTokenListItem[]> {
  const rows = await db.apiToken.findMany({
    where: { workspaceId, ...(filter.userId === undefined ? {} : { userId: filter.userId }) },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({ ...toView(row), user: row.user }));
}

/**
 * Revokes an active token: a member their own, an owner anyone's. False when there is no
 * such active token the actor may revoke (someone else's looks the same as none).
 */
export async function revokeApiToken(db: CatalogDb, input: { workspaceId: string; id: string; actor: { userId: string; role: Role }; now?: Date }): Promise<boolean> {
  const anyone = can(input.actor.role, "revoke_any_api_token");
  return db.$transaction(async (tx) => {
    const { count } = await tx.apiToken.updateMany({
      where: { id: input.id, workspaceId: input.workspaceId, revokedAt: null, ...(anyone ? {} : { userId: input.actor.userId }) },
      data: { revokedAt: input.now ?? new Date() },
    });
    if (count > 0) await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actor.userId, action: "api_token.revoke", targetType: "api_token", targetId: input.id });
    return count > 0;
  });
}

/**
 * The member a token acts as, or null when it is malformed, unknown, revoked, expired at
 * `now`, of another workspace, or its user is no longer a member.
 */
export async function verifyApiToken(db: CatalogDb, workspaceId: string, token: string, now: Date = new Date()): Promise<Principal | null> {
  if (!apiTokenSchema.safeParse(token).success) return null;
  const hash = hashToken(token);
  const row = await db.apiToken.findUnique({ where: { tokenHash: hash } });
  if (row === null || !sameHash(row.tokenHash, hash) || row.workspaceId !== workspaceId || row.revokedAt !== null) return null;
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()) return null;
  const member = await db.member.findUnique({ where: { workspaceId_userId: { workspaceId, userId: row.userId } }, include: { user: true } });
  if (member === null) return null;
  if (row.lastUsedAt === null || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    // Conditional, so concurrent requests in the same minute write once.
    await db.apiToken.updateMany({
      where: { id: row.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }] },
      data: { lastUsedAt: now },
    });
  }
  return { userId: member.userId, email: member.user.email, name: member.user.name, role: member.role, workspaceId, apiTokenId: row.id };
}

/** The credential of `Authorization: Bearer <credential>`, or null when the request presents none. */
export function bearerCredential(headers: Headers): string | null {
  const match = /^bearer(?:\s+(.*))?$/i.exec(headers.get("authorization") ?? "");
  return match ? (match[1] ?? "").trim() : null;
}
