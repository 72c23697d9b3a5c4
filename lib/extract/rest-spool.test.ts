// A REST source through both paths against one loopback server: records through the
// JavaScript normalizer (a warehouse that cannot read files), and records spooled and loaded
// by the warehouse's JSON reader. Both must give the same tables, name mapping, errors and
// requests; where the SQL path cannot, it reads the spool back page by page (seen by the
// requests: the source is fetched once either way).
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseNotebook } from "../notebook";
import type { ExtractCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { startTestServer, type TestServer } from "./http/test-server";
import { PREFETCH_DEPTH } from "./http/requests-ahead";
import { ExtractLoader } from "./load";
import { loadThroughSpool } from "./rest-spool";
import { runExtract, type ExtractOutcome } from "./run";
import { expectSameTables as expectSame, makeWorkspace, outcomeOf, type Workspace } from "./file/test-helpers";
import { cursorStateKey } from "./load/incremental";

let ws: Workspace;
let byPages: Warehouse;
let bySpool: Warehouse;
let server: TestServer;
/** The pages the server answers with, by page number (1-based); past the end: []. */
let pages: unknown[][] = [];
/** Bodies served as they are (raw bytes), by page number, instead of `pages` under `data`. */
let bodies: Buffer[] | null = null;
beforeEach(async () => {
  ws = makeWorkspace();
  bodies = null;
  byPages = await openDuckDbWarehouse({ path: path.join(ws.root, "pages.duckdb"), dataDir: ws.dataDir });
  bySpool = await openDuckDbWarehouse({ path: path.join(ws.root, "spool.duckdb"), dataDir: ws.dataDir });
  server = await startTestServer((request, response) => {
    const page = Number(new URL(request.url, "http://x").searchParams.get("page") ?? 1);
    response.setHeader("content-type", "application/json");
    if (bodies !== null) response.end(bodies[page - 1] ?? "[]");
    else response.end(JSON.stringify({ data: pages[page - 1] ?? [], echo: "key-123" }));
  });
});
afterEach(async () => {
  await server.close();
  await byPages.close();
  await bySpool.close();
  ws.cleanup();
});

function cell(keys: string): ExtractCell {
  const dataPath = bodies === null ? "data_path: data\n" : "";
  const source = `source: rest\nbase_url: ${server.url}\npath: items\n${dataPath}paginator: { type: page_number, page_param: page }\n${keys}`;
  const parsed = parseNotebook(`\`\`\`extract data\n${source}\n\`\`\`\n`, "nb.md");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const found = parsed.notebook.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!found) throw new Error("no extract cell");
  return found;
}

/**
 * Runs the cell on both warehouses; each fetches every page once, the spool path's reading
 * back included. (Pages requested ahead of the last may or may not reach the server before
 * they are dropped, so the counts may differ by those; a failed run's are not compared.)
 */
async function both(extract: ExtractCell, countFetches = true): Promise<[ExtractOutcome, ExtractOutcome]> {
  const context = { resolveSecret: (name: string) => (name === "KEY" ? "key-123" : undefined) };
  const before = server.requests.length;
  const viaPages = await runExtract({ ...byPages, files: undefined }, extract, context);
  const middle = server.requests.length;
  const viaSpool = await runExtract(bySpool, extract, context);
  if (countFetches) {
    for (const urls of [server.requests.slice(before, middle), server.requests.slice(middle)].map((run) => run.map((request) => request.url))) {
      expect(urls.length, "no page fetched twice").toBe(new Set(urls).size);
    }
  }
  return [viaPages, viaSpool];
}

const expectSameTables = (name = "data") => expectSame(bySpool, byPages, name);

const spooled = () => fs.readdirSync(bySpool.files?.spoolDir ?? "");

describe("a REST source loaded by the warehouse's JSON reader", () => {
  it("gives the page path's tables over several pages: nested records, dates, late fields, key order", async () => {
    pages = [
      [
        { id: 1, name: "Ann", at: "2024-01-03T10:00:00.123Z", map: { id: "m1", label: "x" }, amount: 1 },
        { id: 2, name: "Bob", at: "2024-01-04T10:00:00+02:00", map: { label: "y", id: "m2" }, amount: 2.5 },
      ],
      [{ late_b: "b", id: 3, late_a: "a", name: "Eve", map: { id: "m3", label: "z" }, day: "2024-02-29" }],
    ];
    const [viaPages, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(viaSpool.ok && viaSpool.rows).toBe(3);
    expect(viaSpool.ok && viaSpool.load.records).toEqual(viaPages.ok && viaPages.load.records);
    await expectSameTables();
    expect(spooled(), "the spool is removed after the run").toEqual([]);
  });

  it("keeps bodies that are the records' array as they came: pretty-printed, escaped, non-ASCII; and writes again those it cannot (a BOM, bytes that are not UTF-8)", async () => {
    const pretty = JSON.stringify([{ id: 1, s: "a\"b\\c\u00e9\n", n: 1.0 }, { id: 2, s: "\ud83d\ude00 ünï" }], null, 2);
    bodies = [
      Buffer.from(`  \n${pretty}\n `),
      Buffer.from('[{"id":3,"s":"\\u00e9 escaped","n":2.5}]'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"id":4}]')]),
      Buffer.concat([Buffer.from('[{"id":5,"s":"bad '), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]),
    ];
    const [viaPages, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(viaSpool.ok && viaSpool.rows).toBe(viaPages.ok && viaPages.rows);
    await expectSameTables();
  });

  it("merges a second run by key, as the page path does", async () => {
    pages = [[{ id: 1, v: "a" }, { id: 2, v: "b" }]];
    await both(cell("primary_key: id\nwrite_disposition: merge"));
    pages = [[{ id: 2, v: "B", w: 1 }, { id: 3, v: "c" }]];
    await both(cell("primary_key: id\nwrite_disposition: merge"));
    await expectSameTables();
  });

  it("keeps an incremental run's cursor in SQL as the page path does, and drops what a later run read before", async () => {
    const extract = cell("primary_key: id\nwrite_disposition: merge\nincremental: { cursor: meta.updated }");
    const cursors = async () => [await bySpool.readState(cursorStateKey("data")), await byPages.readState(cursorStateKey("data"))];
    pages = [[{ id: 1, meta: { updated: "2024-03-01T00:00:00Z" } }, { id: 2, meta: { updated: "2024-03-02T00:00:00Z" } }], [{ id: 3, meta: { updated: "2024-02-01" } }]];
    const [, first] = await both(extract);
    expect(first.ok && first.load.staged).toEqual({ by: "sql" });
    expect(await cursors()).toEqual(["2024-03-02T00:00:00Z", "2024-03-02T00:00:00Z"]);
    await expectSameTables();
    pages = [[{ id: 2, meta: { updated: "2024-03-02T00:00:00Z" } }, { id: 4, meta: { updated: "2024-03-05T00:00:00Z" } }]];
    const [, second] = await both(extract);
    expect(second.ok && second.load.staged).toEqual({ by: "sql" });
    expect(await cursors()).toEqual(["2024-03-05T00:00:00Z", "2024-03-05T00:00:00Z"]);
    await expectSameTables();
  });

  it("redacts a secret the API echoes in its records before they are spooled", async () => {
    pages = [[{ id: 1, note: "token key-123 seen" }]];
    await both(cell("primary_key: id\nwrite_disposition: replace\nheaders: { X-Key: secret:KEY }"));
    const [row] = await bySpool.query(`SELECT note FROM data`);
    expect(row?.note).toBe("token *** seen");
    await expectSameTables();
  });

  it("keys records without a primary key by their content in SQL, as the page path does", async () => {
    pages = [[{ name: "a", n: 1.5, at: { x: null, y: "2024-01-01" } }, { name: "b" }], [{ at: { y: "2024-01-01" }, n: 1.5, name: "a" }]];
    const [viaPages, viaSpool] = await both(cell("write_disposition: replace"));
    expect(viaSpool.ok && viaSpool.load.staged).toEqual({ by: "sql" });
    expect(viaPages.ok && viaPages.load.staged).toEqual({ by: "pages" });
    await expectSameTables();
    expect(await bySpool.query(`SELECT count(DISTINCT _row_key) AS keys FROM data`)).toEqual([{ keys: 2 }]);
    // A null record is read as `{ value: null }` there, which claims `value` before `Value` does.
    pages = [[null, { Value: 1 }]];
    const [, nulls] = await both(cell("write_disposition: replace"));
    expect(nulls.ok && nulls.load.staged).toEqual({ by: "pages", reason: "record 1 is not an object" });
    await expectSameTables();
  });

  it("unnests lists into child tables in SQL over several pages, and merges them as the page path does", async () => {
    pages = [
      [{ id: 1, tags: [{ t: "a" }, { t: "b", w: 2 }], order: { lines: [1, 2] } }],
      [{ id: 2, tags: [], order: { lines: [] } }, { id: 3, tags: null, order: { lines: [3] } }],
    ];
    const [, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: merge"));
    expect(viaSpool.ok && viaSpool.load.staged).toEqual({ by: "sql" });
    for (const table of ["data", "data__tags", "data__order__lines"]) await expectSameTables(table);
    pages = [[{ id: 1, tags: [{ t: "c" }], order: { lines: [] } }, { id: 4, tags: [{ t: "d" }], order: { lines: [5] } }]];
    await both(cell("primary_key: id\nwrite_disposition: merge"));
    for (const table of ["data", "data__tags", "data__order__lines"]) await expectSameTables(table);
  });

  it("counts child rows in the page path's write batches: a page whose lists fill a batch is written alone", async () => {
    // The second page's 10,000 elements make it a write batch of its own: `t` is a timestamp
    // there, and text in the next batch, which the page path writes as cast timestamps.
    pages = [[{ id: 1, tags: [] }], [{ id: 2, t: "2024-01-02T10:00:00Z", tags: Array.from({ length: 10_000 }, (_, i) => i) }], [{ id: 3, t: "soon", tags: [] }]];
    const [, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(viaSpool.ok && viaSpool.load.staged).toEqual({ by: "pages", reason: 'field "t" holds values the page path reads its own way' });
    await expectSameTables();
    await expectSameTables("data__tags");
  });

  it("reads the spool back page by page where only the page path can load it: mixed values, lists in lists", async () => {
    pages = [[{ id: 1, tags: [{ t: "a", parts: [1] }] }]];
    const [, nested] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(nested.ok && nested.load.staged).toEqual({ by: "pages", reason: 'field "parts" is a list inside a list\'s elements' });
    await expectSameTables();
    await expectSameTables("data__tags");
    pages = [[{ id: 1, v: 1 }], [{ id: 2, v: "x" }]];
    const [, mixed] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(mixed.ok && mixed.load.staged).toEqual({ by: "pages", reason: expect.stringMatching(/^field "v" is JSON/) });
    await expectSameTables();
    // A list first seen on a later page (now through SQL too).
    pages = [[{ id: 1, v: "2024-01-01" }, { id: 2, v: "2024-01-02" }], [{ id: 3, v: "x", tags: ["t"] }], [{ id: 4, v: "y" }]];
    await both(cell("primary_key: id\nwrite_disposition: replace"));
    await expectSameTables();
    await expectSameTables("data__tags");
    expect(spooled()).toEqual([]);
  });

  it("goes the page path's way for numbers JSON.stringify cannot write back (1e400, -0), and keys that are objects", async () => {
    bodies = null;
    server.requests.length = 0;
    for (const body of ['{"data":[{"id":1,"v":1e400},{"id":2,"v":1.5}]}', '{"data":[{"id":1,"v":-0.0},{"id":2,"v":1.5}]}']) {
      const raw = Buffer.from(body);
      bodies = [raw];
      // A data_path body is written again from its records, so the body's text is what is checked.
      const extract = cell("primary_key: id\nwrite_disposition: replace\ndata_path: data");
      const [viaPages, viaSpool] = await both(extract);
      expect(outcomeOf(viaSpool)).toEqual(outcomeOf(viaPages));
      await expectSameTables();
    }
    bodies = [Buffer.from('[{"id":{"a":1}},{"id":2}]')];
    const [viaPages, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"), false);
    expect(outcomeOf(viaSpool)).toEqual(outcomeOf(viaPages));
    expect(viaSpool.ok).toBe(false);
  });

  it("reads chunks again as one where a field has the name of the position it adds", async () => {
    const page = (from: number) => Array.from({ length: 5 }, (_, i) => ({ id: from + i, __assetbook_position: 100 - from - i }));
    for (const [warehouse, spool] of [
      [byPages, false],
      [bySpool, true],
    ] as const) {
      const loader = await ExtractLoader.open(warehouse, { asset: "pos", primaryKey: "id", writeDisposition: "replace" });
      const source = [page(0), page(5), page(10)];
      if (spool && warehouse.files) await loadThroughSpool(warehouse, warehouse.files, loader, toAsync(source.map((records) => ({ count: records.length, records }))), "pos", () => undefined, 4);
      else for (const records of source) await loader.loadPage(records);
      await loader.commit();
    }
    await expectSameTables("pos");
  });

  it("fails a record without its key with the page path's error, and writes nothing", async () => {
    pages = [[{ id: 1 }], [{ name: "x" }]];
    const [viaPages, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"), false);
    expect(outcomeOf(viaSpool)).toEqual(outcomeOf(viaPages));
    expect(viaSpool.ok).toBe(false);
    expect(await bySpool.describe("data")).toBeNull();
  });

  it("fails a record without its key in pages counted from their bytes: a later page's once all are fetched, the first page's at once", async () => {
    bodies = ['[{"id":1}]', '[{"name":"x"}]', '[{"id":3}]'].map((body) => Buffer.from(body));
    const keyed = cell("primary_key: id\nwrite_disposition: replace");
    const [viaPages, viaSpool] = await both(keyed, false);
    expect(outcomeOf(viaSpool)).toEqual(outcomeOf(viaPages));
    expect(viaSpool.ok ? "" : viaSpool.reason).toBe('cell "data": record 2 has no value for primary key "id"');
    expect(await bySpool.describe("data")).toBeNull();

    bodies = ['[{"name":"x"}]', ...Array.from({ length: 5 }, (_, i) => `[{"id":${i + 2}}]`)].map((body) => Buffer.from(body));
    const before = server.requests.length;
    const failed = await runExtract(bySpool, keyed, { resolveSecret: () => undefined });
    expect(failed.ok ? "" : failed.reason).toBe('cell "data": record 1 has no value for primary key "id"');
    // The first page and at most those requested ahead of it: not the six pages and the empty one.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.length - before).toBeLessThanOrEqual(1 + PREFETCH_DEPTH);
  });

  it("loads the spool in chunks: one query over chunks typed alike, one read again of chunks typed apart", async () => {
    const page = (from: number, extra: Record<string, unknown> = {}) => Array.from({ length: 5 }, (_, i) => ({ id: from + i, name: `r${from + i}`, ...extra }));
    for (const [label, source] of [
      ["alike", [page(0), page(5), page(10), page(15)]],
      ["apart", [page(0), page(5), page(10, { late: "2024-01-01" }), page(15, { n: 1.5 })]],
    ] as const) {
      for (const [warehouse, spool] of [
        [byPages, false],
        [bySpool, true],
      ] as const) {
        const loader = await ExtractLoader.open(warehouse, { asset: label, primaryKey: "id", writeDisposition: "replace" });
        if (spool && warehouse.files) {
          await loadThroughSpool(warehouse, warehouse.files, loader, toAsync(source.map((records) => ({ count: records.length, records }))), label, () => undefined, 8);
        } else {
          for (const records of source) await loader.loadPage(records);
        }
        await loader.commit();
      }
      await expectSameTables(label);
    }
    expect(spooled()).toEqual([]);
    const leftovers = await bySpool.query(`SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '%raw%'`);
    expect(leftovers).toEqual([]);
  });
});

describe("a REST spool planned chunk by chunk", () => {
  /** Loads `source` (pages of records) into both warehouses, the spool's in chunks of `chunkRows`; returns the spool's result. */
  async function loadBoth(asset: string, source: readonly (readonly unknown[])[], options: { primaryKey: string | string[]; writeDisposition: "merge" | "replace" }, spoolWarehouse: Warehouse = bySpool, chunkRows = 4) {
    let staged: unknown;
    for (const [warehouse, spool] of [
      [byPages, false],
      [spoolWarehouse, true],
    ] as const) {
      const loader = await ExtractLoader.open(warehouse, { asset, ...options });
      if (spool && warehouse.files) await loadThroughSpool(warehouse, warehouse.files, loader, toAsync(source.map((records) => ({ count: records.length, records }))), asset, () => undefined, chunkRows);
      else for (const records of source) await loader.loadPage(records);
      const result = await loader.commit();
      if (spool) staged = result.staged;
    }
    return staged;
  }

  it("merges keys repeated across chunks to each key's last record, as the page path does", async () => {
    const at = (day: number, v: string) => ({ day: `2024-01-0${day}`, v });
    const repeated = [[{ id: 1, ...at(1, "a") }], [{ id: 2, ...at(2, "b") }, { id: 3, ...at(3, "c") }], [{ id: 1, ...at(4, "A") }, { id: 4, ...at(5, "d") }], [{ id: 3, ...at(6, "C") }, { id: 5, ...at(7, "e") }], [{ id: 1, ...at(8, "A2") }]];
    expect(await loadBoth("repeated", repeated, { primaryKey: "id", writeDisposition: "merge" })).toEqual({ by: "sql" });
    await expectSameTables("repeated");
    expect(await bySpool.query(`SELECT id, v FROM repeated ORDER BY id`)).toEqual([
      { id: 1, v: "A2" },
      { id: 2, v: "b" },
      { id: 3, v: "C" },
      { id: 4, v: "d" },
      { id: 5, v: "e" },
    ]);
    // Two integer keys, repeated together only once; and a key of text that types as one instant written two ways (two keys to the page path).
    const pairs = [[{ a: 1, b: 10, v: 1 }], [{ a: 1, b: 11, v: 2 }, { a: 2, b: 10, v: 3 }], [{ a: 1, b: 10, v: 4 }, { a: 3, b: 12, v: 5 }]];
    expect(await loadBoth("pairs", pairs, { primaryKey: ["a", "b"], writeDisposition: "merge" })).toEqual({ by: "sql" });
    await expectSameTables("pairs");
    // Keys that fall: counted, not seen rising.
    const falling = [[{ id: 9, v: "a" }], [{ id: 7, v: "b" }, { id: 8, v: "c" }], [{ id: 3, v: "d" }, { id: 1, v: "e" }]];
    expect(await loadBoth("falling", falling, { primaryKey: "id", writeDisposition: "merge" })).toEqual({ by: "sql" });
    await expectSameTables("falling");
    const instants = [[{ at: "2024-01-01T00:00:00Z", v: 1 }], [{ at: "2024-01-01T00:00:00.000Z", v: 2 }, { at: "2024-01-02T00:00:00Z", v: 3 }], [{ at: "2024-01-03T00:00:00Z", v: 4 }]];
    expect(await loadBoth("instants", instants, { primaryKey: "at", writeDisposition: "merge" })).toEqual({ by: "sql" });
    await expectSameTables("instants");
    expect(await bySpool.query(`SELECT count(*) AS n FROM instants`)).toEqual([{ n: 4 }]);
  });

  it("plans the whole spool from its chunks' profiles, each taken once as the chunk is spooled: no query reads every chunk's files", async () => {
    const queries: string[] = [];
    const watched: Warehouse = { ...bySpool, query: (sql) => (queries.push(sql), bySpool.query(sql)) };
    const source = Array.from({ length: 6 }, (_, page) => [0, 1].map((i) => ({ id: page * 2 + i, name: `r${page}`, at: `2024-01-0${1 + page}T10:00:00Z`, map: { k: page } })));
    expect(await loadBoth("planned", source, { primaryKey: "id", writeDisposition: "replace" }, watched)).toEqual({ by: "sql" });
    await expectSameTables("planned");
    const reads = (file: number) => (sql: string) => sql.includes(`${path.sep}${file}.json'`);
    // Chunks (of four records): the first page, pages 1-2, 3-4, then 5; a chunk's pages share a file.
    // Each chunk profiled in one pass over its files, its text that looks temporal (`at`) tried as dates and timestamps in it.
    for (const file of [1, 2]) expect(queries.filter((sql) => reads(file)(sql) && !reads(0)(sql)), `chunk ${file} profiled once`).toHaveLength(1);
    expect(queries.filter((sql) => reads(0)(sql) && reads(3)(sql))).toEqual([]);
    expect(queries.some((sql) => reads(4)(sql)), "four files, one a chunk").toBe(false);
  });

  it("goes the page path's way when the reader refuses a later chunk's records only as they are staged (a key twice in a list's element)", async () => {
    bodies = ['[{"id":1,"l":[{"t":"a"}]}]', '[{"id":2,"l":[{"t":"b","t":"c"}]}]', '[{"id":3,"l":[]}]'].map((body) => Buffer.from(body));
    const [, viaSpool] = await both(cell("primary_key: id\nwrite_disposition: replace"));
    expect(viaSpool.ok && viaSpool.load.staged).toEqual({ by: "pages", reason: expect.stringMatching(/^DuckDB's JSON reader refused the records/) });
    await expectSameTables();
    await expectSameTables("data__l");
    const leftovers = await bySpool.query(`SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '_ab_stage__') OR starts_with(table_name, '_ab_new__')`);
    expect(leftovers).toEqual([]);
  });
});

async function* toAsync<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

