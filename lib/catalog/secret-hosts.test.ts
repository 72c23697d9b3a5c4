// A secret's allowed hosts in the catalog, on every store: stored normalized, kept when only
// the value changes, changed alone, audited without the value; bad input changes nothing.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "./audit";
import { listSecrets, setSecret, setSecretAllowedHosts, workspaceSecretResolver, workspaceSecrets } from "./secrets";
import type { CatalogDb } from "./store";
import { storeCases, type OpenedStore } from "./test-stores";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(`[secret-hosts] ${postgresSkipped}`);

const key = randomBytes(32);
const VALUE = "value-3e4f-never-in-the-audit";

describe.each(cases)("secret allowed hosts on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;

  beforeAll(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
  });
  afterAll(async () => {
    await opened?.store.close();
    await opened?.cleanup();
  });

  const workspace = async () => (await db.workspace.create({ data: { slug: `w-${randomBytes(4).toString("hex")}`, name: "W" } })).id;
  const hostsOf = async (workspaceId: string) => Object.fromEntries((await listSecrets(db, workspaceId)).map((s) => [s.name, s.allowedHosts]));

  it("a secret written without the column (as before the migration) has an empty list: any host", async () => {
    const workspaceId = await workspace();
    await db.$executeRaw`INSERT INTO secrets (id, "workspaceId", name, ciphertext, iv, tag, "updatedAt")
      VALUES (${crypto.randomUUID()}, ${workspaceId}, 'OLD', '\\x00'::bytea, '\\x00'::bytea, '\\x00'::bytea, now())`;
    expect(await hostsOf(workspaceId)).toEqual({ OLD: [] });
  });

  it("stores the list normalized, keeps it when only the value changes, clears it with []", async () => {
    const workspaceId = await workspace();
    await setSecret(db, key, { workspaceId, name: "TOKEN", value: VALUE, allowedHosts: [" API.example.com", "127.0.0.1:4010", "api.example.com"], actorId: null });
    expect(await hostsOf(workspaceId)).toEqual({ TOKEN: ["api.example.com", "127.0.0.1:4010"] });

    await setSecret(db, key, { workspaceId, name: "TOKEN", value: "rotated", actorId: null });
    expect(await hostsOf(workspaceId)).toEqual({ TOKEN: ["api.example.com", "127.0.0.1:4010"] });
    expect(await workspaceSecrets(db, key, workspaceId)).toEqual(new Map([["TOKEN", { value: "rotated", allowedHosts: ["api.example.com", "127.0.0.1:4010"] }]]));

    await setSecret(db, key, { workspaceId, name: "TOKEN", value: "rotated", allowedHosts: [], actorId: null });
    expect(await hostsOf(workspaceId)).toEqual({ TOKEN: [] });
  });

  it("changes only the hosts, audited with the old and new list and never the value; an unknown name is false", async () => {
    const workspaceId = await workspace();
    const owner = await db.user.create({ data: { email: `o-${randomBytes(4).toString("hex")}@example.com`, name: "O" } });
    await setSecret(db, key, { workspaceId, name: "TOKEN", value: VALUE, allowedHosts: ["a.example.com"], actorId: owner.id });
    expect(await setSecretAllowedHosts(db, { workspaceId, name: "TOKEN", allowedHosts: ["*.example.com"], actorId: owner.id })).toBe(true);
    expect(await setSecretAllowedHosts(db, { workspaceId, name: "NOPE", allowedHosts: ["a.example.com"], actorId: owner.id })).toBe(false);
    expect(await hostsOf(workspaceId)).toEqual({ TOKEN: ["*.example.com"] });
    const resolve = await workspaceSecretResolver(db, key, workspaceId, [], {});
    expect(resolve("TOKEN")).toEqual({ value: VALUE, allowedHosts: ["*.example.com"] });

    const audit = await listAudit(db, workspaceId);
    expect(audit.map((entry) => [entry.action, entry.targetId, entry.actorId, entry.data])).toEqual([
      ["secret.allowed_hosts", "TOKEN", owner.id, { allowedHosts: ["*.example.com"], previous: ["a.example.com"] }],
      ["secret.set", "TOKEN", owner.id, { allowedHosts: ["a.example.com"] }],
    ]);
    expect(JSON.stringify(audit, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(VALUE);
  });

  it("a bad host is refused, naming it, and changes nothing", async () => {
    const workspaceId = await workspace();
    await setSecret(db, key, { workspaceId, name: "TOKEN", value: VALUE, allowedHosts: ["a.example.com"], actorId: null });
    const bad = ["a.example.com", "https://attacker.example/"];
    await expect(setSecret(db, key, { workspaceId, name: "TOKEN", value: "other", allowedHosts: bad, actorId: null })).rejects.toThrow(
      'allowedHosts.1: "https://attacker.example/" is not a host or host:port',
    );
    await expect(setSecretAllowedHosts(db, { workspaceId, name: "TOKEN", allowedHosts: bad, actorId: null })).rejects.toThrow(/"https:\/\/attacker.example\/" is not a host/);
    expect(await workspaceSecrets(db, key, workspaceId)).toEqual(new Map([["TOKEN", { value: VALUE, allowedHosts: ["a.example.com"] }]]));
    expect((await listAudit(db, workspaceId)).map((entry) => entry.action)).toEqual(["secret.set"]);
  });
});
