// Members of a workspace: owners add people with a role and an initial password.
import { recordAudit } from "../catalog/audit";
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
    if (await tx.user.findUnique({ where: { email: input.email } })) throw new MemberError(`${input.email} already has an account`);
    const user = await tx.user.create({ data: { email: input.email, name: input.name } });
    await tx.account.create({ data: { id: crypto.randomUUID(), accountId: user.id, providerId: "credential", userId: user.id, password: passwordHash } });
    await tx.member.create({ data: { workspaceId: input.workspaceId, userId: user.id, role: input.role } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "member.add", targetType: "member", targetId: user.id, data: { role: input.role } });
    return user;
  });
}

export async function listMembers(db: CatalogDb, workspaceId: string) {
  const rows = await db.member.findMany({ where: { workspaceId }, include: { user: true }, orderBy: { createdAt: "asc" } });
  return rows.map((m) => ({ userId: m.userId, email: m.user.email, name: m.user.name, role: m.role }));
}
