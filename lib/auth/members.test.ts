// Members and invites on every store: an invite link works once, for its address and role,
// until it expires or is revoked; roles change and members go, but never the last owner;
// a removed member is signed out and their tokens stop.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { CatalogStore } from "../catalog/store";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { ensureWorkspace } from "../catalog/workspaces";
import { createApiToken, verifyApiToken } from "./api-tokens";
import { createAuth, type Auth } from "./better-auth";
import { acceptInvite, createInvite, INVITE_REFUSED, INVITE_TTL_MS, listInvites, openInvite, revokeInvite } from "./invites";
import { changeMemberRole, listMembers, MemberError, removeMember } from "./members";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const PASSWORD = "correct horse battery";

describe.each(cases)("members and invites on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let auth: Auth;
  let workspaceId: string;
  let ownerId: string;

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    auth = createAuth(store.db, { secret: "s".repeat(40), baseURL: "http://app.test" });
    workspaceId = (await ensureWorkspace(store.db)).id;
    const owner = await store.db.user.create({ data: { email: "owner@example.com", name: "Owner" } });
    await store.db.member.create({ data: { workspaceId, userId: owner.id, role: "owner" } });
    ownerId = owner.id;
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  const join = (token: string, email: string) => acceptInvite(store.db, auth, { workspaceId, token, email, name: email.split("@")[0] ?? "x", password: PASSWORD });

  test("an invite works once, with its role; the token is stored only as a hash; the new member can sign in", async () => {
    const { token, invite } = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "editor" });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await store.db.invite.findMany())).not.toContain(token);
    expect(await openInvite(store.db, workspaceId, token)).toMatchObject({ id: invite.id, role: "editor", state: "pending" });

    const { user, role } = await join(token, "Ada@Example.com");
    expect(role).toBe("editor");
    expect(user.email).toBe("ada@example.com");
    expect((await listMembers(store.db, workspaceId)).find((m) => m.userId === user.id)?.role).toBe("editor");
    const signIn = await auth.api.signInEmail({ body: { email: "ada@example.com", password: PASSWORD }, asResponse: true });
    expect(signIn.status).toBe(200);

    await expect(join(token, "eve@example.com")).rejects.toThrow(INVITE_REFUSED);
    expect(await store.db.user.findUnique({ where: { email: "eve@example.com" } })).toBeNull();
    expect(await openInvite(store.db, workspaceId, token)).toBeNull();
    expect((await listInvites(store.db, workspaceId)).find((i) => i.id === invite.id)?.state).toBe("accepted");
    const audit = await store.db.auditEntry.findMany({ where: { action: { in: ["member.invite", "member.join"] } } });
    expect(audit.map((a) => a.action).sort()).toEqual(["member.invite", "member.join"]);
    expect(JSON.stringify(audit.map((a) => a.data))).not.toContain(token);
  });

  test("an invite for one address refuses another; an address with an account cannot be invited", async () => {
    const { token } = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "viewer", email: "Bob@Example.com" });
    await expect(join(token, "mallory@example.com")).rejects.toThrow("this invite is for bob@example.com");
    // The refusal changed nothing: Bob can still use it.
    expect((await join(token, "bob@example.com")).role).toBe("viewer");
    await expect(createInvite(store.db, { workspaceId, actorId: ownerId, role: "viewer", email: "bob@example.com" })).rejects.toThrow(MemberError);
  });

  test("a revoked or expired invite is refused, and a wrong token too", async () => {
    const revoked = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "viewer" });
    expect(await revokeInvite(store.db, { workspaceId, actorId: ownerId, inviteId: revoked.invite.id })).toBe(true);
    expect(await revokeInvite(store.db, { workspaceId, actorId: ownerId, inviteId: revoked.invite.id })).toBe(false);
    await expect(join(revoked.token, "carol@example.com")).rejects.toThrow(INVITE_REFUSED);

    const past = new Date(Date.now() - INVITE_TTL_MS - 60_000);
    const expired = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "viewer", now: past });
    expect((await listInvites(store.db, workspaceId)).find((i) => i.id === expired.invite.id)?.state).toBe("expired");
    await expect(join(expired.token, "carol@example.com")).rejects.toThrow(INVITE_REFUSED);
    await expect(join("not-a-token", "carol@example.com")).rejects.toThrow(INVITE_REFUSED);
    expect(await store.db.user.findUnique({ where: { email: "carol@example.com" } })).toBeNull();
  });

  test("two people accepting one link at once: exactly one joins", async () => {
    const { token } = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "viewer" });
    const results = await Promise.allSettled([join(token, "race1@example.com"), join(token, "race2@example.com")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await store.db.user.count({ where: { email: { in: ["race1@example.com", "race2@example.com"] } } })).toBe(1);
  });

  test("the last owner can be neither demoted nor removed; with two owners, one can step down", async () => {
    await expect(changeMemberRole(store.db, { workspaceId, actorId: ownerId, userId: ownerId, role: "editor" })).rejects.toThrow("the last owner cannot be demoted");
    await expect(removeMember(store.db, { workspaceId, actorId: ownerId, userId: ownerId })).rejects.toThrow("the last owner cannot be removed");
    const { token } = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "owner" });
    const second = (await join(token, "grace@example.com")).user;
    // Two owners demoting each other at once: one of them stays owner.
    await Promise.allSettled([
      changeMemberRole(store.db, { workspaceId, actorId: ownerId, userId: second.id, role: "viewer" }),
      changeMemberRole(store.db, { workspaceId, actorId: second.id, userId: ownerId, role: "viewer" }),
    ]);
    const owners = (await listMembers(store.db, workspaceId)).filter((m) => m.role === "owner");
    expect(owners).toHaveLength(1);
    const remaining = owners[0]?.userId ?? "";
    const other = remaining === ownerId ? second.id : ownerId;
    await changeMemberRole(store.db, { workspaceId, actorId: remaining, userId: other, role: "owner" });
    expect((await listMembers(store.db, workspaceId)).filter((m) => m.role === "owner")).toHaveLength(2);
    ownerId = remaining;
    await expect(changeMemberRole(store.db, { workspaceId, actorId: ownerId, userId: "nobody", role: "viewer" })).rejects.toThrow("no such member");
  });

  test("a removed member is signed out everywhere and their API tokens stop", async () => {
    const { token } = await createInvite(store.db, { workspaceId, actorId: ownerId, role: "editor" });
    const { user } = await join(token, "leaving@example.com");
    const signIn = await auth.api.signInEmail({ body: { email: "leaving@example.com", password: PASSWORD }, asResponse: true });
    expect(signIn.status).toBe(200);
    expect(await store.db.session.count({ where: { userId: user.id } })).toBe(1);
    const apiToken = await createApiToken(store.db, { workspaceId, userId: user.id, name: "script" });
    expect(await verifyApiToken(store.db, workspaceId, apiToken.token)).not.toBeNull();

    await removeMember(store.db, { workspaceId, actorId: ownerId, userId: user.id });
    expect(await store.db.session.count({ where: { userId: user.id } })).toBe(0);
    expect(await verifyApiToken(store.db, workspaceId, apiToken.token)).toBeNull();
    expect((await listMembers(store.db, workspaceId)).some((m) => m.userId === user.id)).toBe(false);
    expect((await store.db.auditEntry.findFirst({ where: { action: "member.remove", targetId: user.id } }))?.actorId).toBe(ownerId);
  });
});
