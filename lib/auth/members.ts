// Members of a workspace: owners add people (directly or by invite), change their role
// and remove them. The last owner can be neither demoted nor removed: a workspace
// without an owner could never be managed again.
import { recordAudit, type CatalogTx } from "../catalog/audit";
import type { Role, User } from "../catalog/generated/client";
import type { CatalogDb } from "../catalog/store";
import type { Auth } from "./better-auth";
import { hashPassword } from "./passwords";

export class MemberError extends Error {
  override name = "MemberError";
}

export interface AddMemberInput {
  workspaceId: string;
  actorId: string;
  email: string;
  name: string;
  password: string;
  role: Role;
}

export async function addMember(db: CatalogDb, auth: Auth, input: AddMemberInput): Promise<User> {
  const passwordHash = await hashPassword(auth, input.password);
  return db.$transaction(async (tx) => {
    const user = await createMemberAccount(tx, { ...input, passwordHash });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.add", targetType: "member", targetId: user.id, data: { role: input.role } });
    return user;
  });
}

/** A new user with a password sign-in, made a member; refuses an address that has an account. */
export async function createMemberAccount(
  tx: CatalogTx,
  input: { workspaceId: string; email: string; name: string; passwordHash: string; role: Role },
): Promise<User> {
  if (await tx.user.findUnique({ where: { email: input.email } })) throw new MemberError(`${input.email} already has an account`);
  const user = await tx.user.create({ data: { email: input.email, name: input.name } });
  await tx.account.create({ data: { id: crypto.randomUUID(), accountId: user.id, providerId: "credential", userId: user.id, password: input.passwordHash } });
  await tx.member.create({ data: { workspaceId: input.workspaceId, userId: user.id, role: input.role } });
  return user;
}

export interface MemberView {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export async function listMembers(db: CatalogDb, workspaceId: string): Promise<MemberView[]> {
  const rows = await db.member.findMany({ where: { workspaceId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, joinedAt: m.createdAt.toISOString() }));
}

export interface MemberChange {
  workspaceId: string;
  actorId: string;
  userId: string;
}

/** Gives a member another role. Demoting the last owner is refused. */
export async function changeMemberRole(db: CatalogDb, input: MemberChange & { role: Role }): Promise<MemberView> {
  return db.$transaction(async (tx) => {
    const member = await memberOrThrow(tx, input);
    if (member.role === "owner" && input.role !== "owner") await assertNotLastOwner(tx, input.workspaceId, "demoted");
    const updated = await tx.member.update({ where: { id: member.id }, data: { role: input.role }, include: { user: true } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.role", targetType: "member", targetId: input.userId, data: { from: member.role, to: input.role } });
    return { userId: updated.userId, email: updated.user.email, name: updated.user.name, role: updated.role, joinedAt: updated.createdAt.toISOString() };
  });
}

/**
 * Removes a member and signs them out everywhere. Their API tokens stop at once (a token
 * acts with its user's current membership). Removing the last owner is refused.
 */
export async function removeMember(db: CatalogDb, input: MemberChange): Promise<void> {
  await db.$transaction(async (tx) => {
    const member = await memberOrThrow(tx, input);
    if (member.role === "owner") await assertNotLastOwner(tx, input.workspaceId, "removed");
    await tx.member.delete({ where: { id: member.id } });
    await tx.session.deleteMany({ where: { userId: input.userId } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.remove", targetType: "member", targetId: input.userId, data: { role: member.role } });
  });
}

/** Locks the workspace's row first: two owners demoting each other at once are serialized, so one of them is refused. */
async function memberOrThrow(tx: CatalogTx, input: MemberChange) {
  await tx.$queryRaw`SELECT id FROM workspaces WHERE id = ${input.workspaceId} FOR UPDATE`;
  const member = await tx.member.findUnique({ where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } } });
  if (!member) throw new MemberError("no such member");
  return member;
}

async function assertNotLastOwner(tx: CatalogTx, workspaceId: string, verb: "demoted" | "removed"): Promise<void> {
  const owners = await tx.member.count({ where: { workspaceId, role: "owner" } });
  if (owners <= 1) throw new MemberError(`the last owner cannot be ${verb}: make another member an owner first`);
}
