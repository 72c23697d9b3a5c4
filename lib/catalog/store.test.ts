// One suite, run against every store: embedded PGlite always, PostgreSQL when
// TEST_DATABASE_URL is set (and required when CI=true).
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { readMigrations, defaultMigrationsDir } from "./migrations";
import { importNotebookVersion } from "./notebooks";
import { listAssets, upsertAsset } from "./assets";
import { assetHistory, recordMaterialization } from "./materializations";
import { appendRunLog, listRunEvents, recordRun, setRunStatus } from "./runs";
import { deleteSecret, listSecrets, resolveSecret, setSecret } from "./secrets";
import { SecretDecryptionError } from "./secret-box";
import { createShareLink, listShareLinks, revokeShareLink, verifyShareLink } from "./share-links";
import { listAudit } from "./audit";
import type { CatalogStore } from "./store";
import { storeCases, type OpenedStore } from "./test-stores";

const { cases, postgresSkipped, postgresMissingInCi } = storeCases();

if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}
if (postgresSkipped) {
  console.warn(`[catalog] ${postgresSkipped}`);
  test.skip(`postgres: ${postgresSkipped}`, () => {});
}

describe.each(cases)("$name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  const db = () => store.db;

  beforeAll(async () => {
    opened = await storeCase.open({ migrated: false });
    store = opened.store;
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  let counter = 0;
  async function workspace() {
    counter += 1;
    return db().workspace.create({ data: { slug: `ws-${counter}-${randomBytes(3).toString("hex")}`, name: `Workspace ${counter}` } });
  }
  async function auditDump(workspaceId: string): Promise<string> {
    const rows = await db().$queryRaw<{ dump: string }[]>`SELECT row_to_json(a)::text AS dump FROM audit_log a WHERE "workspaceId" = ${workspaceId}`;
    expect(rows.length).toBeGreaterThan(0);
    return rows.map((r) => r.dump).join("\n");
  }
  async function user(name = "Ada") {
    return db().user.create({ data: { email: `${name.toLowerCase()}-${randomBytes(4).toString("hex")}@example.com`, name } });
  }

  describe("migrations", () => {
    test("a fresh database gets every migration, recorded like prisma migrate does", async () => {
      const files = await readMigrations(defaultMigrationsDir());
      expect(files.migrations.length).toBeGreaterThan(0);
      expect(store.migrations.applied).toEqual(files.migrations.map((m) => m.name));
      const rows = await db().$queryRaw<{ migration_name: string; checksum: string; applied_steps_count: number }[]>`
        SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`;
      expect(rows).toEqual(files.migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum, applied_steps_count: 1 })));
    });

    test("reopening applies nothing and keeps the data", async () => {
      const ws = await workspace();
      await store.close();
      store = await opened.reopen();
      expect(store.migrations).toEqual({ applied: [], edited: [] });
      expect(await db().workspace.findUnique({ where: { id: ws.id } })).toMatchObject({ slug: ws.slug });
    });
  });

  describe("notebook versions", () => {
    test("a version is created only when the text changes, and points at its parent", async () => {
      const ws = await workspace();
      const ada = await user();
      const v1 = await importNotebookVersion(db(), { workspaceId: ws.id, slug: "rides", text: "# one\n", authorId: null });
      expect(v1.created).toBe(true);
      expect(v1.version).toMatchObject({ number: 1, parentId: null, authorId: null, text: "# one\n" });

      const same = await importNotebookVersion(db(), { workspaceId: ws.id, slug: "rides", text: "# one\n", authorId: ada.id });
      expect(same.created).toBe(false);
      expect(same.version.id).toBe(v1.version.id);

      const v2 = await importNotebookVersion(db(), { workspaceId: ws.id, slug: "rides", text: "# two\n", authorId: ada.id });
      expect(v2.created).toBe(true);
      expect(v2.version).toMatchObject({ number: 2, parentId: v1.version.id, authorId: ada.id });

      const other = await importNotebookVersion(db(), { workspaceId: ws.id, slug: "shop", text: "# one\n", authorId: null });
      expect(other.version).toMatchObject({ number: 1, parentId: null });
      expect(await db().notebook.count({ where: { workspaceId: ws.id } })).toBe(2);
    });

    test("concurrent saves of one notebook get distinct, dense version numbers", async () => {
      const ws = await workspace();
      const texts = ["a\n", "b\n", "c\n", "d\n"];
      await Promise.all(texts.map((text) => importNotebookVersion(db(), { workspaceId: ws.id, slug: "busy", text, authorId: null })));
      const versions = await db().notebookVersion.findMany({ where: { notebook: { workspaceId: ws.id } }, orderBy: { number: "asc" } });
      expect(versions.map((v) => v.number)).toEqual([1, 2, 3, 4]);
      expect(versions.map((v) => v.text).sort()).toEqual(texts);
      for (const [i, v] of versions.entries()) expect(v.parentId).toBe(i === 0 ? null : versions[i - 1]?.id);
    });
  });

  describe("runs", () => {
    test("a run moves queued → running → succeeded, with its events in order", async () => {
      const ws = await workspace();
      const run = await recordRun(db(), { workspaceId: ws.id, environment: "production", selection: ["daily_distance+"] });
      expect(run).toMatchObject({ status: "queued", trigger: "manual", selection: ["daily_distance+"], startedAt: null, finishedAt: null });

      const running = await setRunStatus(db(), run.id, "running");
      expect(running?.status).toBe("running");
      expect(running?.startedAt).toBeInstanceOf(Date);
      expect(await setRunStatus(db(), run.id, "running")).toBeNull();

      await appendRunLog(db(), run.id, { message: "loaded 12 rows", asset: "activities", data: { rows: 12 } });
      const done = await setRunStatus(db(), run.id, "succeeded");
      expect(done?.finishedAt).toBeInstanceOf(Date);
      expect(await setRunStatus(db(), run.id, "failed", "too late")).toBeNull();

      const events = await listRunEvents(db(), run.id);
      expect(events.map((e) => [e.type, e.message])).toEqual([
        ["state", "queued"],
        ["state", "running"],
        ["log", "loaded 12 rows"],
        ["state", "succeeded"],
      ]);
      expect(events[2]).toMatchObject({ asset: "activities", data: { rows: 12 } });
      const first = events[1];
      if (!first) throw new Error("no events");
      expect((await listRunEvents(db(), run.id, first.id)).map((e) => e.message)).toEqual(["loaded 12 rows", "succeeded"]);
    });

    test("a failed run keeps its error; a queued run can be cancelled but not finished", async () => {
      const ws = await workspace();
      const a = await recordRun(db(), { workspaceId: ws.id, environment: "production", selection: [] });
      await setRunStatus(db(), a.id, "running");
      expect(await setRunStatus(db(), a.id, "failed", "boom")).toMatchObject({ status: "failed", error: "boom" });

      const b = await recordRun(db(), { workspaceId: ws.id, environment: "production", selection: [], trigger: "schedule" });
      expect(await setRunStatus(db(), b.id, "succeeded")).toBeNull();
      expect(await setRunStatus(db(), b.id, "cancelled")).toMatchObject({ status: "cancelled", trigger: "schedule" });
    });
  });

  describe("assets and materializations", () => {
    async function catalog() {
      const ws = await workspace();
      const nb = await importNotebookVersion(db(), { workspaceId: ws.id, slug: "rides", text: "x", authorId: null });
      const notebookId = nb.version.notebookId;
      const activities = await upsertAsset(db(), {
        workspaceId: ws.id, name: "activities", kind: "extract", notebookId, cell: "activities",
        group: "fitness", owners: ["data@example.com"], tags: ["raw"], description: "Raw activities from the Fitness API",
      });
      const daily = await upsertAsset(db(), {
        workspaceId: ws.id, name: "daily_distance", kind: "sql", notebookId, cell: "daily_distance",
        group: "fitness", owners: ["data@example.com", "ana@example.com"], tags: ["daily", "finance"],
      });
      const orders = await upsertAsset(db(), {
        workspaceId: ws.id, name: "orders", kind: "sql", cell: "orders", group: "shop", owners: ["shop@example.com"], tags: ["finance"],
      });
      return { ws, nb, activities, daily, orders };
    }
    const names = (items: { name: string }[]) => items.map((a) => a.name);

    test("listAssets filters by kind, group, owner, tag and search", async () => {
      const { ws } = await catalog();
      expect(names(await listAssets(db(), ws.id))).toEqual(["activities", "daily_distance", "orders"]);
      expect(names(await listAssets(db(), ws.id, { kind: "extract" }))).toEqual(["activities"]);
      expect(names(await listAssets(db(), ws.id, { group: "fitness" }))).toEqual(["activities", "daily_distance"]);
      expect(names(await listAssets(db(), ws.id, { owner: "ana@example.com" }))).toEqual(["daily_distance"]);
      expect(names(await listAssets(db(), ws.id, { tag: "finance" }))).toEqual(["daily_distance", "orders"]);
      expect(names(await listAssets(db(), ws.id, { tag: "finance", group: "shop" }))).toEqual(["orders"]);
      expect(names(await listAssets(db(), ws.id, { search: "DAILY" }))).toEqual(["daily_distance"]);
      expect(names(await listAssets(db(), ws.id, { search: "fitness api" }))).toEqual(["activities"]);
      expect(names(await listAssets(db(), ws.id, { search: "nothing like it" }))).toEqual([]);
      const other = await workspace();
      expect(await listAssets(db(), other.id)).toEqual([]);
    });

    test("concurrent registrations of one asset end in one row", async () => {
      const ws = await workspace();
      const results = await Promise.all(
        ["a", "b", "c", "d"].map((tag) => upsertAsset(db(), { workspaceId: ws.id, name: "events", kind: "extract", cell: "events", tags: [tag] })),
      );
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      expect(await db().asset.count({ where: { workspaceId: ws.id } })).toBe(1);
    });

    test("upsertAsset updates in place what it is given and keeps the rest", async () => {
      const { ws, orders } = await catalog();
      const again = await upsertAsset(db(), { workspaceId: ws.id, name: "orders", kind: "sql", cell: "orders", tags: ["gold"] });
      expect(again.id).toBe(orders.id);
      expect(again).toMatchObject({ tags: ["gold"], owners: ["shop@example.com"], group: "shop" });
      const cleared = await upsertAsset(db(), { workspaceId: ws.id, name: "orders", kind: "sql", cell: "orders", group: null, owners: [] });
      expect(cleared).toMatchObject({ tags: ["gold"], owners: [], group: null });
    });

    test("materializations round-trip and history is newest first, per environment", async () => {
      const { ws, nb, daily } = await catalog();
      const run = await recordRun(db(), { workspaceId: ws.id, environment: "production", selection: ["daily_distance"] });
      const t = (minutes: number) => new Date(Date.UTC(2025, 0, 1, 0, minutes));
      const first = await recordMaterialization(db(), {
        assetId: daily.id, environment: "production", status: "succeeded", rows: 3_000_000_000, bytes: 12_345_678_901,
        columns: [{ name: "day", type: "TIMESTAMP" }, { name: "km", type: "DOUBLE", nullable: true }],
        durationMs: 12.5, checks: [{ check: "not_null(day)", severity: "error", passed: true, failures: 0 }],
        notebookVersionId: nb.version.id, runId: run.id, createdAt: t(1),
      });
      expect(first).toMatchObject({
        rows: 3_000_000_000, bytes: 12_345_678_901, durationMs: 12.5, status: "succeeded", partition: null,
        columns: [{ name: "day", type: "TIMESTAMP" }, { name: "km", type: "DOUBLE", nullable: true }],
        checks: [{ check: "not_null(day)", severity: "error", passed: true, failures: 0 }],
        notebookVersionId: nb.version.id, runId: run.id,
      });
      await recordMaterialization(db(), {
        assetId: daily.id, environment: "production", status: "failed", durationMs: 3, reason: "unique(day) failed",
        checks: [{ check: "unique(day)", severity: "error", passed: false, failures: 2 }], createdAt: t(2),
      });
      await recordMaterialization(db(), { assetId: daily.id, environment: "preview", status: "succeeded", rows: 10, durationMs: 1, createdAt: t(3) });
      await recordMaterialization(db(), { assetId: daily.id, environment: "production", partition: "2025-01-01", status: "succeeded", rows: 5, durationMs: 2, createdAt: t(0) });

      const history = await assetHistory(db(), daily.id, { environment: "production" });
      expect(history.map((m) => [m.status, m.createdAt.toISOString()])).toEqual([
        ["failed", t(2).toISOString()],
        ["succeeded", t(1).toISOString()],
        ["succeeded", t(0).toISOString()],
      ]);
      expect(history[0]).toMatchObject({ rows: null, columns: null, reason: "unique(day) failed" });
      expect((await assetHistory(db(), daily.id)).length).toBe(4);
      expect((await assetHistory(db(), daily.id, { environment: "production", limit: 1 })).map((m) => m.status)).toEqual(["failed"]);
      expect((await assetHistory(db(), daily.id, { partition: "2025-01-01" })).map((m) => m.rows)).toEqual([5]);

      const listed = await listAssets(db(), ws.id, { search: "daily" });
      expect(listed[0]?.lastMaterialization).toMatchObject({ status: "failed", environment: "production" });
      const preview = await listAssets(db(), ws.id, { search: "daily", environment: "preview" });
      expect(preview[0]?.lastMaterialization).toMatchObject({ rows: 10, environment: "preview" });
      const never = await listAssets(db(), ws.id, { kind: "extract" });
      expect(never[0]?.lastMaterialization).toBeNull();
    });
  });

  describe("secrets", () => {
    const key = randomBytes(32);

    test("set, list (names and dates only), resolve, overwrite, delete", async () => {
      const ws = await workspace();
      const owner = await user("Owner");
      await setSecret(db(), key, { workspaceId: ws.id, name: "FITNESS_TOKEN", value: "tok-123-sekret", actorId: owner.id });
      await setSecret(db(), key, { workspaceId: ws.id, name: "API_KEY", value: "k€y with ünïcode", actorId: owner.id });

      const listed = await listSecrets(db(), ws.id);
      expect(listed.map((s) => s.name)).toEqual(["API_KEY", "FITNESS_TOKEN"]);
      for (const s of listed) {
        expect(Object.keys(s).sort()).toEqual(["allowedHosts", "name", "updatedAt"]);
        expect(s.updatedAt).toBeInstanceOf(Date);
      }
      expect(await resolveSecret(db(), key, ws.id, "FITNESS_TOKEN")).toBe("tok-123-sekret");
      expect(await resolveSecret(db(), key, ws.id, "API_KEY")).toBe("k€y with ünïcode");
      expect(await resolveSecret(db(), key, ws.id, "MISSING")).toBeNull();
      expect(await resolveSecret(db(), key, (await workspace()).id, "FITNESS_TOKEN")).toBeNull();

      await setSecret(db(), key, { workspaceId: ws.id, name: "FITNESS_TOKEN", value: "tok-456", actorId: owner.id });
      expect(await resolveSecret(db(), key, ws.id, "FITNESS_TOKEN")).toBe("tok-456");
      expect(await deleteSecret(db(), { workspaceId: ws.id, name: "API_KEY", actorId: owner.id })).toBe(true);
      expect(await deleteSecret(db(), { workspaceId: ws.id, name: "API_KEY", actorId: owner.id })).toBe(false);
      expect((await listSecrets(db(), ws.id)).map((s) => s.name)).toEqual(["FITNESS_TOKEN"]);

      const audit = await listAudit(db(), ws.id);
      expect(audit.map((a) => [a.action, a.targetId, a.actorId])).toEqual([
        ["secret.delete", "API_KEY", owner.id],
        ["secret.set", "FITNESS_TOKEN", owner.id],
        ["secret.set", "API_KEY", owner.id],
        ["secret.set", "FITNESS_TOKEN", owner.id],
      ]);
    });

    test("the database holds no plaintext, and only the right key, workspace and name decrypt", async () => {
      const ws = await workspace();
      const plaintext = "hunter2-plaintext-marker";
      await setSecret(db(), key, { workspaceId: ws.id, name: "DB_PASSWORD", value: plaintext, actorId: null });

      const rows = await db().$queryRaw<{ dump: string }[]>`SELECT row_to_json(s)::text AS dump FROM secrets s WHERE "workspaceId" = ${ws.id}`;
      const row = await db().secret.findFirstOrThrow({ where: { workspaceId: ws.id } });
      const haystacks = [
        rows[0]?.dump ?? "",
        Buffer.from(row.ciphertext).toString("latin1"),
        Buffer.from(row.ciphertext).toString("utf8"),
        Buffer.from(row.ciphertext).toString("base64"),
        Buffer.from(row.ciphertext).toString("hex"),
        await auditDump(ws.id),
      ];
      for (const h of haystacks) expect(h).not.toContain(plaintext);
      expect(Buffer.from(row.ciphertext).length).toBe(Buffer.byteLength(plaintext));
      expect(Buffer.from(row.iv).length).toBe(12);
      expect(Buffer.from(row.tag).length).toBe(16);

      await expect(resolveSecret(db(), randomBytes(32), ws.id, "DB_PASSWORD")).rejects.toThrow(SecretDecryptionError);
      // The same sealed bytes under another name (or workspace) do not open.
      await db().secret.create({ data: { workspaceId: ws.id, name: "COPIED", ciphertext: row.ciphertext, iv: row.iv, tag: row.tag } });
      await expect(resolveSecret(db(), key, ws.id, "COPIED")).rejects.toThrow(SecretDecryptionError);
    });

    test("secret names are checked", async () => {
      const ws = await workspace();
      await expect(setSecret(db(), key, { workspaceId: ws.id, name: "not ok", value: "x", actorId: null })).rejects.toThrow(/secret name/);
    });
  });

  describe("share links", () => {
    test("the token is 32 random bytes, shown once; only its sha256 is stored", async () => {
      const ws = await workspace();
      const editor = await user("Editor");
      const { token, link } = await createShareLink(db(), { workspaceId: ws.id, target: { type: "lineage" }, createdById: editor.id });
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, "base64url").length).toBe(32);
      expect(link).toMatchObject({ target: { type: "lineage" }, allowSamples: false, expiresAt: null, revokedAt: null });
      expect(Object.keys(link)).not.toContain("tokenHash");

      const stored = await db().shareLink.findUniqueOrThrow({ where: { id: link.id } });
      expect(stored.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
      const dumps = await db().$queryRaw<{ dump: string }[]>`SELECT row_to_json(l)::text AS dump FROM share_links l WHERE "workspaceId" = ${ws.id}`;
      expect(dumps[0]?.dump).not.toContain(token);
      expect(await auditDump(ws.id)).not.toContain(token);

      const second = await createShareLink(db(), { workspaceId: ws.id, target: { type: "catalog" }, createdById: editor.id });
      expect(second.token).not.toBe(token);
    });

    test("verify returns the link until it is revoked", async () => {
      const ws = await workspace();
      const editor = await user("Editor");
      const asset = await upsertAsset(db(), { workspaceId: ws.id, name: "orders", kind: "sql", cell: "orders" });
      const { token, link } = await createShareLink(db(), {
        workspaceId: ws.id, target: { type: "asset", assetId: asset.id }, createdById: editor.id, allowSamples: true,
      });
      expect(await verifyShareLink(db(), token)).toMatchObject({ id: link.id, workspaceId: ws.id, target: { type: "asset", assetId: asset.id }, allowSamples: true });
      expect(await verifyShareLink(db(), token.slice(0, -1) + (token.endsWith("A") ? "B" : "A"))).toBeNull();
      expect(await verifyShareLink(db(), "not-a-token")).toBeNull();
      expect(await verifyShareLink(db(), "")).toBeNull();

      const stranger = await workspace();
      expect(await revokeShareLink(db(), { workspaceId: stranger.id, id: link.id, actorId: editor.id })).toBe(false);
      expect(await verifyShareLink(db(), token)).not.toBeNull();

      expect(await revokeShareLink(db(), { workspaceId: ws.id, id: link.id, actorId: editor.id })).toBe(true);
      expect(await verifyShareLink(db(), token)).toBeNull();
      expect(await revokeShareLink(db(), { workspaceId: ws.id, id: link.id, actorId: editor.id })).toBe(false);
      expect((await listShareLinks(db(), ws.id))[0]?.revokedAt).toBeInstanceOf(Date);
      expect((await listAudit(db(), ws.id)).map((a) => a.action)).toEqual(["share_link.revoke", "share_link.create"]);
    });

    test("verify returns null from the expiry instant on", async () => {
      const ws = await workspace();
      const editor = await user("Editor");
      const expiresAt = new Date(Date.UTC(2031, 5, 1, 12, 0, 0));
      const { token } = await createShareLink(db(), { workspaceId: ws.id, target: { type: "catalog" }, createdById: editor.id, expiresAt });
      expect(await verifyShareLink(db(), token, new Date(expiresAt.getTime() - 1))).toMatchObject({ expiresAt });
      expect(await verifyShareLink(db(), token, expiresAt)).toBeNull();
      expect(await verifyShareLink(db(), token, new Date(expiresAt.getTime() + 86_400_000))).toBeNull();
    });
  });
});
