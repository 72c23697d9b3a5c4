// Invites: an owner makes a one-time link with a role (optionally bound to one address);
// whoever opens it creates their account and joins with that role. Only the token's sha256
// is stored; accepting consumes it in the same transaction that creates the member, so a
// link works exactly once. Links expire after seven days unless revoked sooner.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../catalog/audit";
import type { Role, User } from "../catalog/generated/client";
import type { CatalogDb } from "../catalog/store";
import type { Auth } from "./better-auth";
import { createMemberAccount, MemberError } from "./members";
import { hashPassword } from "./passwords";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

export type InviteState = "pending" | "accepted" | "revoked" | "expired";

export interface InviteView {
  id: string;
  role: Role;
  email: string | null;
  state: InviteState;
  createdAt: string;
  expiresAt: string;
}

interface InviteRow {
  id: string;
  role: Role;
  email: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export function inviteState(row: Pick<InviteRow, "acceptedAt" | "revokedAt" | "expiresAt">, now: Date): InviteState {
  if (row.acceptedAt) return "accepted";
  if (row.revokedAt) return "revoked";
  return row.expiresAt <= now ? "expired" : "pending";
}

function view(row: InviteRow, now: Date): InviteView {
  return { id: row.id, role: row.role, email: row.email, state: inviteState(row, now), createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

export interface CreateInviteInput {
  workspaceId: string;
  actorId: string;
  role: Role;
  email?: string | null;
  now?: Date;
}

/** A new invite; the returned `token` is the only copy there will ever be. */
export async function createInvite(db: CatalogDb, input: CreateInviteInput): Promise<{ invite: InviteView; token: string }> {
  const now = input.now ?? new Date();
  const email = input.email?.trim().toLowerCase() || null;
  if (email && (await db.user.findUnique({ where: { email } }))) throw new MemberError(`${email} already has an account`);
  const token = randomBytes(32).toString("base64url");
  const row = await db.$transaction(async (tx) => {
    const created = await tx.invite.create({
      data: { workspaceId: input.workspaceId, role: input.role, email, tokenHash: sha256(token), createdById: input.actorId, expiresAt: new Date(now.getTime() + INVITE_TTL_MS) },
    });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.invite", targetType: "invite", targetId: created.id, data: { role: input.role, email } });
    return created;
  });
  return { invite: view(row, now), token };
}

/** Newest first, with their states. */
export async function listInvites(db: CatalogDb, workspaceId: string, now: Date = new Date()): Promise<InviteView[]> {
  const rows = await db.invite.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" }, take: 50 });
  return rows.map((row) => view(row, now));
}

/** Revokes a pending invite; false when there is none by that id (or it was used, revoked or expired). */
export async function revokeInvite(db: CatalogDb, input: { workspaceId: string; actorId: string; inviteId: string; now?: Date }): Promise<boolean> {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const { count } = await tx.invite.updateMany({
      where: { id: input.inviteId, workspaceId: input.workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { revokedAt: now },
    });
    if (count === 1) await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.invite_revoke", targetType: "invite", targetId: input.inviteId });
    return count === 1;
  });
}

/** The pending invite a token opens, for the invite page; null when it would be refused. */
export async function openInvite(db: CatalogDb, workspaceId: string, token: string, now: Date = new Date()): Promise<InviteView | null> {
  const row = await db.invite.findUnique({ where: { tokenHash: sha256(token) } });
  if (!row || row.workspaceId !== workspaceId || inviteState(row, now) !== "pending") return null;
  return view(row, now);
}

export interface AcceptInviteInput {
  workspaceId: string;
  token: string;
  email: string;
  name: string;
  password: string;
  now?: Date;
}

export const INVITE_REFUSED = "this invite link is invalid, expired, revoked or already used";

/** Creates the account and the membership and consumes the invite, or throws MemberError and changes nothing. */
export async function acceptInvite(db: CatalogDb, auth: Auth, input: AcceptInviteInput): Promise<{ user: User; role: Role }> {
  const now = input.now ?? new Date();
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(auth, input.password);
  return db.$transaction(async (tx) => {
    const tokenHash = sha256(input.token);
    const row = await tx.invite.findUnique({ where: { tokenHash } });
    if (!row || row.workspaceId !== input.workspaceId) throw new MemberError(INVITE_REFUSED);
    if (row.email && row.email !== email) throw new MemberError(`this invite is for ${row.email}`);
    // Consuming the invite is the lock: of two people accepting at once, one updates it.
    const { count } = await tx.invite.updateMany({ where: { tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { acceptedAt: now } });
    if (count !== 1) throw new MemberError(INVITE_REFUSED);
    const user = await createMemberAccount(tx, { workspaceId: input.workspaceId, email, name: input.name, passwordHash, role: row.role });
    await tx.invite.update({ where: { id: row.id }, data: { acceptedById: user.id } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: user.id, action: "member.join", targetType: "member", targetId: user.id, data: { role: row.role, inviteId: row.id } });
    return { user, role: row.role };
  });
}
