// Setup, sign-in and sessions through better-auth on our own store, on every store.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureWorkspace } from "../catalog/workspaces";
import type { CatalogStore } from "../catalog/store";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { createAuth, type Auth } from "./better-auth";
import { addMember } from "./members";
import { principalFromHeaders } from "./session";
import { completeSetup, hasOwner, isSetupTokenValid, SetupError, startSetup } from "./setup";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const ORIGIN = "http://app.test";
const PASSWORD = "correct horse battery";

function cookieHeader(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

describe.each(cases)("auth on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let auth: Auth;
  let workspaceId: string;

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    auth = createAuth(store.db, { secret: "s".repeat(40), baseURL: ORIGIN });
    workspaceId = (await ensureWorkspace(store.db)).id;
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  const signIn = (email: string, password: string) =>
    auth.api.signInEmail({ body: { email, password }, headers: new Headers({ origin: ORIGIN, host: "app.test" }), asResponse: true });

  test("first run: a one-time token makes exactly one owner; no default account exists", async () => {
    expect(await hasOwner(store.db, workspaceId)).toBe(false);
    expect(await store.db.user.count()).toBe(0);
    const stale = await startSetup(store.db, workspaceId);
    const token = await startSetup(store.db, workspaceId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    if (!stale || !token) throw new Error("no setup token");
    expect(await isSetupTokenValid(store.db, workspaceId, stale)).toBe(false);
    expect(await isSetupTokenValid(store.db, workspaceId, token)).toBe(true);
    // Only the hash is stored.
    const rows = await store.db.verification.findMany();
    expect(JSON.stringify(rows)).not.toContain(token);

    const input = { workspaceId, token, email: "owner@example.com", name: "Owner", password: PASSWORD };
    await expect(completeSetup(store.db, auth, { ...input, token: stale })).rejects.toBeInstanceOf(SetupError);
    await expect(completeSetup(store.db, auth, { ...input, now: new Date(Date.now() + 25 * 3600_000) })).rejects.toBeInstanceOf(SetupError);
    const owner = await completeSetup(store.db, auth, input);
    expect(owner.email).toBe("owner@example.com");
    await expect(completeSetup(store.db, auth, input)).rejects.toBeInstanceOf(SetupError);
    expect(await hasOwner(store.db, workspaceId)).toBe(true);
    expect(await startSetup(store.db, workspaceId)).toBeNull();
    const account = await store.db.account.findFirstOrThrow({ where: { userId: owner.id } });
    expect(account.password).not.toContain(PASSWORD);
    expect(account.password).toMatch(/^[0-9a-f]+:[0-9a-f]+$/); // scrypt salt:key
  });

  test("sign-in sets an HttpOnly SameSite=Lax cookie whose session names the member's role", async () => {
    const response = await signIn("owner@example.com", PASSWORD);
    expect(response.status).toBe(200);
    const setCookie = response.headers.getSetCookie().join("\n");
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const principal = await principalFromHeaders(auth, store.db, workspaceId, new Headers({ cookie: cookieHeader(response) }));
    expect(principal).toMatchObject({ email: "owner@example.com", role: "owner", workspaceId });
  });

  test("a wrong password answers 401 and no session", async () => {
    const response = await signIn("owner@example.com", "wrong password!");
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie().filter((c) => /session_token=[^;]/.test(c))).toEqual([]);
    expect((await signIn("nobody@example.com", PASSWORD)).status).toBe(401);
  });

  test("no cookie, a forged cookie, or a signed-out session is no one", async () => {
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers())).toBeNull();
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers({ cookie: "assetbook.session_token=forged.value" }))).toBeNull();
    const cookie = cookieHeader(await signIn("owner@example.com", PASSWORD));
    await auth.api.signOut({ headers: new Headers({ cookie, origin: ORIGIN, host: "app.test" }) });
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers({ cookie }))).toBeNull();
  });

  test("members added by an owner sign in with their own role", async () => {
    const owner = await store.db.user.findUniqueOrThrow({ where: { email: "owner@example.com" } });
    await addMember(store.db, auth, { workspaceId, actorId: owner.id, email: "viewer@example.com", name: "V", password: PASSWORD, role: "viewer" });
    const cookie = cookieHeader(await signIn("viewer@example.com", PASSWORD));
    expect(await principalFromHeaders(auth, store.db, workspaceId, new Headers({ cookie }))).toMatchObject({ role: "viewer" });
  });
});
