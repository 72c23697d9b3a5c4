// What a worker keeps between runs never hides a change: a new notebook version, a changed
// file, another partition, an asset row that differs from what the run writes.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { importNotebookVersion, upsertAsset, type CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { claimAsset } from "./asset-owner";
import { Lru } from "./lru";
import { RunNotebooks } from "./run-notebooks";
import { workspaceNotebooks } from "./workspace-notebooks";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

const sqlCell = (name: string, sql: string) => ["```sql " + name, sql, "```", ""].join("\n");
const DAILY = `---\ntitle: D\npartitions: { type: daily, start: "2024-01-01", timezone: UTC }\n---\n\n`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe("Lru", () => {
  it("forgets the least recently used entry first", () => {
    const lru = new Lru<string, number>(2);
    lru.set("a", 1);
    lru.set("b", 2);
    expect(lru.get("a")).toBe(1); // b is now the least recently used
    lru.set("c", 3);
    expect([lru.get("a"), lru.get("b"), lru.get("c")]).toEqual([1, undefined, 3]);
  });
});

describe.each(cases)("reads a worker keeps between runs, on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let dir: string;
  let workspaceId: string;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-run-reads-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
  });
  afterEach(async () => {
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const cellsOf = async () => [...(await workspaceNotebooks(db, workspaceId, dir))].map(([slug, nb]) => [slug, nb.cells.flatMap((c) => (c.type === "asset" ? [c.name] : []))]);

  it("workspace notebooks follow new versions and changed files; one that does not parse is left out", async () => {
    await importNotebookVersion(db, { workspaceId, slug: "nb", text: sqlCell("a", "select 1 as x"), authorId: null });
    expect(await cellsOf()).toEqual([["nb", ["a"]]]);
    await importNotebookVersion(db, { workspaceId, slug: "nb", text: sqlCell("b", "select 1 as x"), authorId: null });
    expect(await cellsOf()).toEqual([["nb", ["b"]]]);
    await writeFile(path.join(dir, "nb.md"), sqlCell("c", "select 1 as x"));
    await writeFile(path.join(dir, "another.md"), sqlCell("d", "select 1 as x"));
    expect(await cellsOf()).toEqual([
      ["another", ["d"]],
      ["nb", ["c"]],
    ]);
    await writeFile(path.join(dir, "nb.md"), "---\ntitle: [\n---\n");
    expect(await cellsOf()).toEqual([["another", ["d"]]]);
  });

  it("a version is prepared per partition, and a missing version is an error", async () => {
    const { version } = await importNotebookVersion(db, { workspaceId, slug: "d", text: DAILY + sqlCell("daily", "select {{ partition.key }} as day"), authorId: null });
    const notebooks = new RunNotebooks(db);
    const run = await notebooks.version(version.id);
    expect(run).toMatchObject({ id: version.id, notebookId: version.notebookId, slug: "d" });
    const sqlFor = async (partition: string | null) => {
      const prepared = await notebooks.prepare(run, partition, async () => parser);
      const cell = prepared.ok ? prepared.notebook.cells.find((c) => c.type === "asset") : undefined;
      return cell?.type === "asset" && cell.kind === "sql" ? cell.config.sql : null;
    };
    expect(await sqlFor("2024-01-02")).toContain("'2024-01-02'");
    expect(await sqlFor("2024-01-03")).toContain("'2024-01-03'");
    expect(await sqlFor("2024-01-02")).toContain("'2024-01-02'");
    await expect(notebooks.version("no-such-version")).rejects.toThrow();
  });

  it("an asset row already as the run writes it is read, not written; any difference is written", async () => {
    const { version } = await importNotebookVersion(db, { workspaceId, slug: "nb", text: sqlCell("a", "select 1 as x"), authorId: null });
    const input = { workspaceId, name: "a", kind: "sql" as const, notebookId: version.notebookId, cell: "a" };
    const first = await claimAsset(db, input);
    if (!("asset" in first)) throw new Error(first.conflict);
    const written = await db.asset.findUniqueOrThrow({ where: { id: first.asset.id } });
    expect(await claimAsset(db, input)).toEqual({ asset: { id: first.asset.id } });
    expect((await db.asset.findUniqueOrThrow({ where: { id: first.asset.id } })).updatedAt).toEqual(written.updatedAt);

    // What the catalog sync adds (group, owners, description) a run leaves alone: it is read, not
    // written; a difference in what a run knows (the kind) is written, keeping the sync's fields.
    await upsertAsset(db, { ...input, group: "nb", owners: ["data@example.com"], description: "d" });
    const synced = await db.asset.findUniqueOrThrow({ where: { id: first.asset.id } });
    expect(await claimAsset(db, input)).toEqual({ asset: { id: first.asset.id } });
    expect((await db.asset.findUniqueOrThrow({ where: { id: first.asset.id } })).updatedAt).toEqual(synced.updatedAt);
    await claimAsset(db, { ...input, kind: "chart" });
    expect(await db.asset.findUniqueOrThrow({ where: { id: first.asset.id } })).toMatchObject({ kind: "chart", group: "nb", owners: ["data@example.com"], description: "d" });
  });
});
