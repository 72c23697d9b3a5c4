// Notebook sync and the catalog/lineage/asset views, on every store.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { recordMaterialization } from "./materializations";
import type { CatalogStore } from "./store";
import { syncNotebookFiles } from "./sync-notebooks";
import { storeCases, type OpenedStore } from "./test-stores";
import { assetDetail, catalogPage, workspaceLineage } from "./views";
import { ensureWorkspace } from "./workspaces";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const NOTEBOOKS = path.resolve(import.meta.dirname, "../../notebooks");

describe.each(cases)("catalog views on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let workspaceId: string;
  const now = new Date("2026-01-10T12:00:00Z");

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    workspaceId = (await ensureWorkspace(store.db)).id;
    const parser = await NodeSqlReferenceParser.create();
    try {
      const first = await syncNotebookFiles(store.db, workspaceId, NOTEBOOKS, parser);
      expect(first.problems).toEqual([]);
      // Syncing again changes nothing: no new versions.
      await syncNotebookFiles(store.db, workspaceId, NOTEBOOKS, parser);
    } finally {
      parser.close();
    }
  });
  afterAll(async () => {
    await store?.close();
    await opened?.cleanup();
  });

  test("sync imports each notebook once and every asset cell with its upstream", async () => {
    expect(await store.db.notebookVersion.count()).toBe(await store.db.notebook.count());
    const daily = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "daily_revenue" } } });
    expect(daily).toMatchObject({ kind: "sql", group: "shop", upstream: ["orders"] });
    // A partitioned notebook's lineage is read through its `{{ partition.* }}` placeholders.
    const monthly = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "daily_sales" } } });
    expect(monthly).toMatchObject({ kind: "sql", group: "shop-monthly", upstream: ["orders"] });
  });

  test("a second notebook declaring an asset is a problem, and the first keeps it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sync-dup-"));
    const parser = await NodeSqlReferenceParser.create();
    try {
      await writeFile(path.join(dir, "a.md"), "```sql dup_asset\nselect 1 as x\n```\n");
      await writeFile(path.join(dir, "b.md"), "Prose.\n\n```sql dup_asset\nselect 2 as x\n```\n");
      const result = await syncNotebookFiles(store.db, workspaceId, dir, parser);
      expect(result.problems).toEqual(['notebooks/b.md:3: asset "dup_asset" is already produced by notebooks/a.md:1; rename one of them']);
      const asset = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "dup_asset" } }, include: { notebook: true } });
      expect(asset.notebook?.slug).toBe("a");
    } finally {
      parser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a notebook whose slug has an underscore is synced like any other (the editor opens it too); a file that is no notebook is reported", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sync-slug-"));
    const parser = await NodeSqlReferenceParser.create();
    try {
      await writeFile(path.join(dir, "daily_sales.md"), "```sql underscore_slug_asset\nselect 1 as x\n```\n");
      await writeFile(path.join(dir, "Team Notes.md"), "Just prose.\n");
      const result = await syncNotebookFiles(store.db, workspaceId, dir, parser);
      expect(result.problems).toEqual([expect.stringMatching(/^notebooks\/Team Notes\.md: not a notebook name: lowercase letters/)]);
      const asset = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "underscore_slug_asset" } }, include: { notebook: true } });
      expect(asset.notebook?.slug).toBe("daily_sales");
      expect(await store.db.notebookVersion.count({ where: { notebook: { slug: "daily_sales" } } })).toBe(1);
    } finally {
      parser.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("catalog rows carry freshness and checks; filters narrow them", async () => {
    const daily = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "daily_revenue" } } });
    const orders = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "orders" } } });
    await recordMaterialization(store.db, { assetId: daily.id, environment: "production", status: "succeeded", rows: 365, durationMs: 9, createdAt: new Date("2026-01-08T00:00:00Z") });
    await recordMaterialization(store.db, {
      assetId: daily.id,
      environment: "production",
      status: "succeeded",
      rows: 366,
      columns: [{ name: "day", type: "DATE" }],
      durationMs: 8,
      checks: [{ check: "unique(day)", severity: "error", passed: false, failures: 2 }],
      createdAt: new Date("2026-01-10T06:00:00Z"),
    });
    await recordMaterialization(store.db, { assetId: orders.id, environment: "production", status: "succeeded", rows: 20000, durationMs: 30, createdAt: new Date("2026-01-01T00:00:00Z") });
    await recordMaterialization(store.db, { assetId: orders.id, environment: "preview", status: "failed", durationMs: 1, createdAt: new Date("2026-01-10T11:00:00Z") });

    const all = await catalogPage(store.db, workspaceId, {}, now);
    const row = (name: string) => all.rows.find((r) => r.name === name);
    expect(row("daily_revenue")).toMatchObject({ freshness: "fresh", checks: "failed", rows: 366 });
    expect(row("orders")).toMatchObject({ freshness: "stale", rows: 20000 });
    expect(row("customers")).toMatchObject({ freshness: "never", rows: null });
    expect(all.groups).toEqual(expect.arrayContaining(["shop", "rides"]));

    expect((await catalogPage(store.db, workspaceId, { kind: "chart" }, now)).rows.every((r) => r.kind === "chart")).toBe(true);
    expect((await catalogPage(store.db, workspaceId, { freshness: "stale" }, now)).rows.map((r) => r.name)).toEqual(["orders"]);
    expect((await catalogPage(store.db, workspaceId, { search: "DAILY_REV" }, now)).rows.map((r) => r.name)).toEqual(["daily_revenue"]);
    expect((await catalogPage(store.db, workspaceId, { group: "shop" }, now)).rows.every((r) => r.group === "shop")).toBe(true);

    // Pages: in name order, the same total on each; a page past the last shows the last.
    const names = all.rows.map((r) => r.name);
    expect(names.length).toBeGreaterThan(2);
    const first = await catalogPage(store.db, workspaceId, {}, now, { page: 1, pageSize: 2 });
    const second = await catalogPage(store.db, workspaceId, {}, now, { page: 2, pageSize: 2 });
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: names.length });
    expect([...first.rows, ...second.rows].map((r) => r.name)).toEqual(names.slice(0, 4));
    const lastPage = Math.ceil(names.length / 2);
    const beyond = await catalogPage(store.db, workspaceId, {}, now, { page: 99, pageSize: 2 });
    expect(beyond.page).toBe(lastPage);
    expect(beyond.rows.map((r) => r.name)).toEqual(names.slice((lastPage - 1) * 2));
  });

  test("lineage spans the workspace; an asset knows its neighbours, history and cell", async () => {
    const lineage = await workspaceLineage(store.db, workspaceId, now);
    expect(lineage.edges).toContainEqual({ from: "orders", to: "daily_revenue" });
    // Across notebooks: shop-segments.md declares shop.md's orders external and reads it.
    expect(lineage.edges).toContainEqual({ from: "orders", to: "segment_revenue" });
    expect(lineage.nodes.find((n) => n.name === "daily_revenue")).toMatchObject({ freshness: "fresh", checks: "failed" });
    const detail = await assetDetail(store.db, workspaceId, "orders", now);
    expect(detail?.downstream).toEqual(expect.arrayContaining(["daily_revenue"]));
    expect(detail?.history.map((m) => m.environment)).toEqual(["production"]);
    expect(detail?.notebookText).toContain("```sql orders");
    expect(await assetDetail(store.db, workspaceId, "nope", now)).toBeNull();
  });
});
