// The notebook-file sync: one bad notebook is reported and the others are synced; an
// unchanged file is not parsed again and an unchanged asset row is not written again.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import type { SqlReferenceParser } from "../graph/sql-refs";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { BAD_NOTEBOOKS, writeBadNotebookDir } from "../workspace/test-bad-notebooks";
import type { CatalogStore } from "./store";
import { newSyncMemory, syncNotebookFiles } from "./sync-notebooks";
import { storeCases, type OpenedStore } from "./test-stores";
import { ensureWorkspace } from "./workspaces";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const sql = (name: string, body: string) => `\`\`\`sql ${name}\n${body}\n\`\`\`\n`;

describe.each(cases)("notebook sync on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let parser: NodeSqlReferenceParser;
  let dir: string;
  let workspaceId: string;

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    parser = await NodeSqlReferenceParser.create();
  });
  afterAll(async () => {
    parser?.close();
    await store?.close();
    await opened?.cleanup();
  });
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sync-"));
    // A workspace per test: asset names are unique within one.
    workspaceId = (await ensureWorkspace(store.db, `w-${path.basename(dir).toLowerCase().replace(/[^a-z0-9]/g, "")}`)).id;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const assetNames = async () => (await store.db.asset.findMany({ where: { workspaceId }, select: { name: true }, orderBy: { name: "asc" } })).map((a) => a.name);

  test("syncs the good notebook and names each bad one (alias bomb, NUL, over the size limit, not a file) with its reason", async () => {
    await writeBadNotebookDir(dir);
    const result = await syncNotebookFiles(store.db, workspaceId, dir, parser);
    expect(result).toMatchObject({ notebooks: 1, assets: 1, failed: 0 });
    expect(await assetNames()).toEqual(["good_asset"]);
    expect(result.problems).toEqual([
      "notebooks/folder.md: not a file",
      expect.stringMatching(/^notebooks\/huge\.md: line \d+: the notebook is larger than 2 MiB/),
      expect.stringMatching(/^notebooks\/bomb\.md:5:8: front matter: YAML: aliases \(\*name\) expand too much/),
      `notebooks/nul.md:7:10: ${BAD_NOTEBOOKS.nul}`,
    ]);
    // Nothing of the bad ones reached the catalog (PostgreSQL could not even store a NUL).
    expect((await store.db.notebook.findMany({ where: { workspaceId }, select: { slug: true } })).map((n) => n.slug)).toEqual(["good"]);
  });

  test("a notebook whose sync throws is reported, the others are synced, and it is tried again next time", async () => {
    await writeFile(path.join(dir, "a.md"), sql("fine_a", "select 1 as x"));
    await writeFile(path.join(dir, "b.md"), sql("throws_b", "select 'explode' as x"));
    await writeFile(path.join(dir, "c.md"), sql("fine_c", "select 1 as x"));
    // Not a SqlParseError (which is a parse issue): an error nobody expected.
    const exploding: SqlReferenceParser = {
      tableReferences: (text) => (text.includes("explode") ? Promise.reject(new Error("the parser crashed")) : parser.tableReferences(text)),
    };
    const memory = newSyncMemory();
    const first = await syncNotebookFiles(store.db, workspaceId, dir, exploding, memory);
    expect(first).toMatchObject({ notebooks: 2, assets: 2, failed: 1, problems: ["notebooks/b.md: cannot be synced (the parser crashed)"] });
    expect(await assetNames()).toEqual(["fine_a", "fine_c"]);
    const again = await syncNotebookFiles(store.db, workspaceId, dir, parser, memory);
    expect(again).toMatchObject({ notebooks: 3, parsed: 1, written: 1, failed: 0, problems: [] });
    expect(await assetNames()).toEqual(["fine_a", "fine_c", "throws_b"]);
  });

  test("reads lineage in the workspace file's values and macros; a broken workspace file is a problem", async () => {
    await writeFile(path.join(dir, "assetbook.yml"), "vars: { min: 1 }\nmacros:\n  twice: { args: [x], sql: x * 2 }\n");
    await writeFile(path.join(dir, "a.md"), `${sql("a1", "select 1 as x")}\n${sql("a2", "select twice(x) as y from a1 where x >= {{ var.min }}")}`);
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser)).toMatchObject({ notebooks: 1, assets: 2, problems: [] });
    expect((await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "a2" } } })).upstream).toEqual(["a1"]);
    await writeFile(path.join(dir, "assetbook.yml"), "vars: [\n");
    expect((await syncNotebookFiles(store.db, workspaceId, dir, parser)).problems).toEqual([expect.stringMatching(/^notebooks\/assetbook\.yml:\d+:\d+: YAML: /)]);
  });

  test("an asset's tags are its notebook's and its cell's own (tag scopes and filters match both); its schema is its cell's, else its notebook's", async () => {
    await writeFile(path.join(dir, "t.md"), `---\ntags: [finance]\nschema: staging\n---\n\n${sql("t1", "-- tags: daily, finance\nselect 1 as x")}\n${sql("t2", "-- schema: marts\nselect x from staging.t1")}`);
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser)).toMatchObject({ problems: [] });
    const asset = async (name: string) => store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name } } });
    expect(await asset("t1")).toMatchObject({ tags: ["daily", "finance"], schema: "staging" });
    expect(await asset("t2")).toMatchObject({ tags: ["finance"], schema: "marts", upstream: ["t1"] });
  });

  test("an unchanged file is not parsed again, and unchanged assets are not written again", async () => {
    await writeFile(path.join(dir, "a.md"), `${sql("a1", "select 1 as x")}\n${sql("a2", "select x from a1")}`);
    await writeFile(path.join(dir, "b.md"), sql("b1", "select 2 as y"));
    const memory = newSyncMemory();
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser, memory)).toMatchObject({ notebooks: 2, assets: 3, parsed: 2, written: 3 });
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser, memory)).toMatchObject({ notebooks: 2, assets: 3, parsed: 0, written: 0 });

    // b.md gains a cell: only b.md is parsed, only the new asset is written (b1 is as it was).
    await writeFile(path.join(dir, "b.md"), `${sql("b1", "select 2 as y")}\n${sql("b2", "select y from b1")}`);
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser, memory)).toMatchObject({ assets: 4, parsed: 1, written: 1 });
    const b2 = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "b2" } } });
    expect(b2.upstream).toEqual(["b1"]);
    expect(await store.db.notebookVersion.count({ where: { notebook: { workspaceId, slug: "b" } } })).toBe(2);

    // A new process (no memory) parses every file but finds the catalog current: no writes, no new versions.
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser)).toMatchObject({ parsed: 2, written: 0 });
    expect(await store.db.notebookVersion.count({ where: { notebook: { workspaceId } } })).toBe(3);
  });

  test("when the first producer of an asset drops it, the unchanged second notebook takes it over", async () => {
    await writeFile(path.join(dir, "a.md"), sql("shared", "select 1 as x"));
    await writeFile(path.join(dir, "b.md"), sql("shared", "select 2 as x"));
    const memory = newSyncMemory();
    const first = await syncNotebookFiles(store.db, workspaceId, dir, parser, memory);
    expect(first.problems).toEqual(['notebooks/b.md:1: asset "shared" is already produced by notebooks/a.md:1; rename one of them']);
    await writeFile(path.join(dir, "a.md"), sql("other", "select 1 as x"));
    const second = await syncNotebookFiles(store.db, workspaceId, dir, parser, memory);
    expect(second).toMatchObject({ parsed: 1, problems: [] });
    const shared = await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "shared" } }, include: { notebook: true } });
    expect(shared.notebook?.slug).toBe("b");
  });

  test("a deleted file is forgotten: written again, it is parsed again", async () => {
    const text = sql("gone", "select 1 as x");
    await writeFile(path.join(dir, "a.md"), text);
    const memory = newSyncMemory();
    await syncNotebookFiles(store.db, workspaceId, dir, parser, memory);
    await rm(path.join(dir, "a.md"));
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser, memory)).toMatchObject({ notebooks: 0, parsed: 0 });
    await writeFile(path.join(dir, "a.md"), text);
    expect(await syncNotebookFiles(store.db, workspaceId, dir, parser, memory)).toMatchObject({ notebooks: 1, parsed: 1 });
  });
});
