// API tokens on every store: shown once, stored as a hash, acting with the member's current
// role, and dead once revoked, expired or the member is gone; principals resolve them.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashToken } from "../catalog/tokens";
import type { CatalogStore } from "../catalog/store";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { ensureWorkspace } from "../catalog/workspaces";
import type { Role } from "../catalog/generated/enums";
import { bearerCredential, createApiToken, listApiTokens, revokeApiToken, verifyApiToken } from "./api-tokens";
import { createAuth } from "./better-auth";
import { principalFromHeaders } from "./session";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const json = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));

describe.each(cases)("API tokens on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let workspaceId: string;
  const users: Record<"owner" | "editor" | "viewer", string> = { owner: "", editor: "", viewer: "" };

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    workspaceId = (await ensureWorkspace(store.db)).id;
    for (const role of ["owner", "editor", "viewer"] as const) {
      const user = await store.db.user.create({ data: { email: `${role}@example.com`, name: role } });
      await store.db.member.create({ data: { workspaceId, userId: user.id, role } });
      users[role] = user.id;
    }
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  const setRole = (userId: string, role: Role) => store.db.member.update({ where: { workspaceId_userId: { workspaceId, userId } }, data: { role } });

  test("the token is returned once; only its sha256 is stored, listed without it, audited without it", async () => {
    const { token, view } = await createApiToken(store.db, { workspaceId, userId: users.editor, name: "  ci deploy  " });
    expect(token).toMatch(/^ab_[A-Za-z0-9_-]{43}$/);
    expect(view.name).toBe("ci deploy");
    const row = await store.db.apiToken.findUniqueOrThrow({ where: { id: view.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(json(await store.db.apiToken.findMany())).not.toContain(token);
    const listed = json(await listApiTokens(store.db, workspaceId, { userId: users.editor }));
    expect(listed).toContain("ci deploy");
    expect(listed).not.toContain(row.tokenHash);
    expect(listed).not.toContain(token);
    const audit = json(await store.db.auditEntry.findMany({ where: { targetId: view.id } }));
    expect(audit).toContain("api_token.create");
    expect(audit).not.toContain(token);
    expect(audit).not.toContain(row.tokenHash);
  });

  test("a blank name changes nothing", async () => {
    const before = await store.db.apiToken.count();
    await expect(createApiToken(store.db, { workspaceId, userId: users.viewer, name: "   " })).rejects.toThrow(/name the token/);
    expect(await store.db.apiToken.count()).toBe(before);
  });

  test("verify: the member with their CURRENT role; nothing for malformed, unknown or foreign tokens", async () => {
    const { token, view } = await createApiToken(store.db, { workspaceId, userId: users.viewer, name: "role" });
    expect(await verifyApiToken(store.db, workspaceId, token)).toEqual({
      userId: users.viewer,
      email: "viewer@example.com",
      name: "viewer",
      role: "viewer",
      workspaceId,
      apiTokenId: view.id,
    });
    await setRole(users.viewer, "editor");
    expect(await verifyApiToken(store.db, workspaceId, token)).toMatchObject({ role: "editor" });
    await setRole(users.viewer, "viewer");

    expect(await verifyApiToken(store.db, workspaceId, token.slice(0, -1))).toBeNull();
    expect(await verifyApiToken(store.db, workspaceId, `ab_${"A".repeat(43)}`)).toBeNull();
    expect(await verifyApiToken(store.db, workspaceId, token.slice(3))).toBeNull();
    const other = await ensureWorkspace(store.db, "other");
    expect(await verifyApiToken(store.db, other.id, token)).toBeNull();
  });

  test("revoked, expired, or the member removed: no principal", async () => {
    const now = new Date();
    const expiring = await createApiToken(store.db, { workspaceId, userId: users.editor, name: "expiring", expiresAt: new Date(now.getTime() + 3600_000) });
    expect(await verifyApiToken(store.db, workspaceId, expiring.token, new Date(now.getTime() + 3599_000))).not.toBeNull();
    expect(await verifyApiToken(store.db, workspaceId, expiring.token, new Date(now.getTime() + 3600_000))).toBeNull();

    const revoked = await createApiToken(store.db, { workspaceId, userId: users.editor, name: "revoked" });
    expect(await revokeApiToken(store.db, { workspaceId, id: revoked.view.id, actor: { userId: users.editor, role: "editor" } })).toBe(true);
    expect(await verifyApiToken(store.db, workspaceId, revoked.token)).toBeNull();
    expect(await revokeApiToken(store.db, { workspaceId, id: revoked.view.id, actor: { userId: users.editor, role: "editor" } })).toBe(false);

    const leaver = await store.db.user.create({ data: { email: "leaver@example.com", name: "Leaver" } });
    await store.db.member.create({ data: { workspaceId, userId: leaver.id, role: "editor" } });
    const orphan = await createApiToken(store.db, { workspaceId, userId: leaver.id, name: "orphan" });
    expect(await verifyApiToken(store.db, workspaceId, orphan.token)).not.toBeNull();
    await store.db.member.delete({ where: { workspaceId_userId: { workspaceId, userId: leaver.id } } });
    expect(await verifyApiToken(store.db, workspaceId, orphan.token)).toBeNull();
  });

  test("revoke: a member their own only, an owner anyone's", async () => {
    const mine = await createApiToken(store.db, { workspaceId, userId: users.viewer, name: "viewer's" });
    expect(await revokeApiToken(store.db, { workspaceId, id: mine.view.id, actor: { userId: users.editor, role: "editor" } })).toBe(false);
    expect(await verifyApiToken(store.db, workspaceId, mine.token)).not.toBeNull();
    expect(await revokeApiToken(store.db, { workspaceId, id: mine.view.id, actor: { userId: users.owner, role: "owner" } })).toBe(true);
    expect(await verifyApiToken(store.db, workspaceId, mine.token)).toBeNull();
    const audit = await store.db.auditEntry.findFirstOrThrow({ where: { targetId: mine.view.id, action: "api_token.revoke" } });
    expect(audit.actorId).toBe(users.owner);
  });

  test("lastUsedAt is written at most once a minute", async () => {
    const { token, view } = await createApiToken(store.db, { workspaceId, userId: users.editor, name: "busy" });
    const lastUsed = async () => (await store.db.apiToken.findUniqueOrThrow({ where: { id: view.id } })).lastUsedAt?.getTime() ?? null;
    expect(await lastUsed()).toBeNull();
    const t0 = new Date("2030-01-01T00:00:00Z");
    await verifyApiToken(store.db, workspaceId, token, t0);
    expect(await lastUsed()).toBe(t0.getTime());
    await verifyApiToken(store.db, workspaceId, token, new Date(t0.getTime() + 59_000));
    expect(await lastUsed()).toBe(t0.getTime());
    await verifyApiToken(store.db, workspaceId, token, new Date(t0.getTime() + 60_000));
    expect(await lastUsed()).toBe(t0.getTime() + 60_000);
  });

  test("principals: a bearer request is the token's member; a cookie beside it is not consulted", async () => {
    const auth = createAuth(store.db, { secret: "s".repeat(40), baseURL: "http://app.test" });
    const { token } = await createApiToken(store.db, { workspaceId, userId: users.owner, name: "principal" });
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers({ authorization: `Bearer ${token}` }))).toMatchObject({ userId: users.owner, role: "owner" });
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers({ authorization: "Bearer nope", cookie: "assetbook.session_token=x" }))).toBeNull();
  });
});

describe("bearerCredential", () => {
  test("reads `Authorization: Bearer`, case-insensitively; anything else is none", () => {
    expect(bearerCredential(new Headers({ authorization: "Bearer ab_x" }))).toBe("ab_x");
    expect(bearerCredential(new Headers({ authorization: "bearer   ab_y " }))).toBe("ab_y");
    expect(bearerCredential(new Headers({ authorization: "Bearer" }))).toBe("");
    expect(bearerCredential(new Headers({ authorization: "Bearerish x" }))).toBeNull();
    expect(bearerCredential(new Headers({ authorization: "Share abc" }))).toBeNull();
    expect(bearerCredential(new Headers())).toBeNull();
  });
});
