// The same file sources through both paths: pages through the loader (a warehouse that
// cannot read files), and the warehouse's own reader staged by SQL. Both must give the same
// tables (names, types, column order, values), the same name mapping and the same errors;
// where the SQL path cannot, it leaves the file to the pages, which the test sees.
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseNotebook } from "../../notebook";
import type { ExtractCell } from "../../notebook/types";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import type { Warehouse } from "../../warehouse/types";
import { runExtract, type ExtractOutcome } from "../run";
import { readFilePages, type FileSourceConfig } from "./read-file-pages";
import { expectSameTables as expectSame, makeWorkspace, outcomeOf, type Workspace } from "./test-helpers";
import { schemaStateKey } from "../load/asset-state";
import { cursorStateKey } from "../load/incremental";
import { rowKey } from "../normalize/row-key";
import { z } from "zod";

const assetState = z.object({ tables: z.array(z.string()), names: z.unknown(), rowKeys: z.number().optional() });

let ws: Workspace;
let byPages: Warehouse;
let inWarehouse: Warehouse;
beforeEach(async () => {
  ws = makeWorkspace();
  byPages = await openDuckDbWarehouse({ path: path.join(ws.root, "pages.duckdb"), dataDir: ws.dataDir });
  inWarehouse = await openDuckDbWarehouse({ path: path.join(ws.root, "sql.duckdb"), dataDir: ws.dataDir });
});
afterEach(async () => {
  await byPages.close();
  await inWarehouse.close();
  ws.cleanup();
});

function cell(file: string, keys: string, disposition = "replace"): ExtractCell {
  return extractCell(`path: ${file}\nprimary_key: ${keys}\nwrite_disposition: ${disposition}`);
}

/** A file extract cell named `data` with these keys besides `source`. */
function extractCell(keys: string): ExtractCell {
  const parsed = parseNotebook(`\`\`\`extract data\nsource: file\n${keys}\n\`\`\`\n`, "nb.md");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const found = parsed.notebook.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!found) throw new Error("no extract cell");
  return found;
}

/** Runs the cell on both warehouses; `pages` says whether the SQL path must leave the file to the pages. */
async function both(extract: ExtractCell, pages: "never" | "allowed"): Promise<[ExtractOutcome, ExtractOutcome]> {
  let read = 0;
  const counted = (dataDir: string, spec: FileSourceConfig) => {
    read++;
    return readFilePages(dataDir, spec);
  };
  const context = { resolveSecret: () => undefined, dataDir: ws.dataDir };
  const viaPages = await runExtract({ ...byPages, files: undefined }, extract, { ...context, readFilePages });
  const viaSql = await runExtract(inWarehouse, extract, { ...context, readFilePages: counted });
  if (pages === "never") expect(read, `the SQL path read the file page by page: ${viaSql.ok && viaSql.load.staged.by === "pages" ? viaSql.load.staged.reason : ""}`).toBe(0);
  else expect(read, "the file was expected to fall back to the pages").toBe(1);
  // The result says which way the rows went, and why not by SQL.
  if (viaSql.ok) expect(viaSql.load.staged).toEqual(pages === "never" ? { by: "sql" } : { by: "pages", reason: expect.stringMatching(/\w/) });
  if (viaPages.ok) expect(viaPages.load.staged).toEqual({ by: "pages" });
  // The run log says it too (a warehouse that reads no files has nothing to say).
  if (viaSql.ok) expect(viaSql.note).toBe(viaSql.load.staged.by === "pages" ? `loaded record by record: ${viaSql.load.staged.reason ?? ""}` : undefined);
  if (viaPages.ok) expect(viaPages.note).toBeUndefined();
  return [viaPages, viaSql];
}

const expectSameTables = (name = "data") => expectSame(inWarehouse, byPages, name);

describe("a file the warehouse reads itself", () => {
  it("gives the page path's table: names, types, column order, values", async () => {
    ws.write(
      "mixed.csv",
      [
        'id,Full Name,amount,whole,qty,active,day,at,empty,Late Column,a b,a_b,note',
        '1,"Smith, Ann",12.5,1.0,3,true,2024-01-02,2024-01-02 03:04:05.123456,,,x,y,plain',
        '2,Bob "B",,2.0,4,false,2024-02-29,2024-03-01 00:00:00,,,x2,y2,',
        '3,Eve,0.25,3.0,,true,,1969-12-31 23:59:59.999999,,late,x3,y3,"multi\nline"',
      ].join("\n") + "\n",
    );
    const [pages, sql] = await both(cell("mixed.csv", "id"), "never");
    expect(sql).toMatchObject({ ok: true, rows: 3 });
    expect(pages).toMatchObject({ ok: true, rows: 3 });
    await expectSameTables();
  });

  it("gives the page path's table when it stages the read table in place: clashing names, empty columns, casts", async () => {
    ws.write(
      "inplace.csv",
      ["id,a b,a_b,Empty,at,small", "1,x,y,,2024-01-02 03:04:05.123456,1", "2,x2,y2,,2024-01-02 03:04:06,2.0", "3,,y3,,2024-01-02 03:04:07.5,3"].join("\n") + "\n",
    );
    await both(cell("inplace.csv", "id"), "never");
    await expectSameTables();
    // A second run replaces it whole, names kept from the first.
    ws.write("inplace.csv", ["id,a b,a_b,at", "4,z,w,2025-01-01 00:00:00"].join("\n") + "\n");
    await both(cell("inplace.csv", "id"), "never");
    await expectSameTables();
  });

  it("gives the page path's table from Parquet: decimals, floats, dates and timestamps", async () => {
    const file = path.join(ws.dataDir, "typed.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT range AS id, (range * 1.25)::DECIMAL(10,2) AS price, (range * 2)::DECIMAL(12,3) AS whole_price, (range / 3)::FLOAT AS ratio, ` +
        `range::INTEGER % 7 AS small, DATE '2024-01-01' + range::INTEGER AS day, TIMESTAMP '2024-01-01 10:00:00.5' + INTERVAL (range) MINUTE AS at, ` +
        `CASE WHEN range % 2 = 0 THEN 'even' END AS parity, range % 3 = 0 AS third FROM range(50)) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await both(cell("typed.parquet", "id"), "never");
    await expectSameTables();
  });

  it("merges a second file by key as the page path does, with a composite key", async () => {
    ws.write("people.csv", "region,id,name,score\n1,1,ann,1.5\n1,2,bob,2\n2,1,cy,3\n");
    await both(cell("people.csv", "[region, id]", "merge"), "never");
    ws.write("people.csv", "region,id,name,score,extra\n1,2,bob2,2.5,x\n2,2,dee,4,\n1,2,bob3,,y\n");
    await both(cell("people.csv", "[region, id]", "merge"), "never");
    await expectSameTables();
  });

  it("merges a first file whose keys repeat into each key's last record, as the page path does, staged where it was read", async () => {
    ws.write("dups.csv", "id,name,score\n1,ann,1\n2,bob,2\n1,ann2,3\n3,cy,4\n2,bob2,\n1,ann3,5\n");
    const [pages, sql] = await both(cell("dups.csv", "id", "merge"), "never");
    await expectSameTables();
    // Every record counts as brought; the table holds one row per key, the last.
    expect(sql).toMatchObject({ ok: true, rows: 3, load: { records: { loaded: 6 }, tables: [{ name: "data", rows: 3, loadedRows: 6 }] } });
    expect(sql.ok && pages.ok && sql.load.tables).toEqual(pages.ok && pages.load.tables);
    expect(await inWarehouse.query("SELECT id, name, score FROM data ORDER BY id")).toEqual([
      { id: 1, name: "ann3", score: 5 },
      { id: 2, name: "bob2", score: null },
      { id: 3, name: "cy", score: 4 },
    ]);
    // Nothing staged is left behind: the new rows became the table.
    expect(await inWarehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '\\_ab\\_%' ESCAPE '\\'")).toEqual([]);
    ws.write("dups.csv", "id,name,score\n2,bob3,7\n4,dee,8\n2,bob4,9\n");
    await both(cell("dups.csv", "id", "merge"), "never");
    await expectSameTables();
  });

  it("fails a record without its key with the page path's error, and writes nothing", async () => {
    ws.write("gaps.csv", "id,name\n1,a\n,b\n3,c\n");
    const [pages, sql] = await both(cell("gaps.csv", "id"), "never");
    expect(outcomeOf(sql)).toEqual(outcomeOf(pages));
    expect(sql.ok).toBe(false);
    if (!sql.ok) expect(sql.reason).toBe('cell "data": record 2 has no value for primary key "id"');
    expect(await inWarehouse.describe("data")).toBeNull();
  });

  it("names a key no column has, as the page path does", async () => {
    ws.write("nokey.csv", "id,name\n1,a\n");
    const [pages, sql] = await both(cell("nokey.csv", "code"), "never");
    expect(outcomeOf(sql)).toEqual(outcomeOf(pages));
  });

  it("types text as the page path does: dates among plain text stay text, all dates become dates, dates and timestamps timestamps", async () => {
    ws.write("dates.csv", "id,when\n1,2024-01-01\n2,not a date\n3,2024-01-03T10:00\n");
    await both(cell("dates.csv", "id"), "never");
    await expectSameTables();
    ws.write(
      "stamps.csv",
      [
        "id,day,at",
        "1,2024-01-01,2024-01-03T10:00",
        "2,2024-02-29,2024-01-04 23:59:59.9999",
        "3,,2024-01-05",
      ].join("\n") + "\n",
    );
    await both(cell("stamps.csv", "id"), "never");
    await expectSameTables();
  });

  it("leaves text the page path reads as a date by its own lenient rules to it (February 30th, +0200)", async () => {
    ws.write("lenient.csv", "id,when\n1,2024-02-30\n2,2024-01-01\n");
    await both(cell("lenient.csv", "id"), "allowed");
    await expectSameTables();
    ws.write("offset.ndjson", '{"id":1,"when":"2024-01-01T10:00:00+0200"}\n');
    await both(cell("offset.ndjson", "id"), "allowed");
    await expectSameTables();
  });

  it("keys rows without a primary key by their content in SQL, as the page path does: every type, the first row empty, escapes", async () => {
    ws.write(
      "nopk.csv",
      [
        "name,amount,whole,big,ok,day,at,note",
        ",,,,,,,",
        '"Smith, Ann",12.5,1.0,9007199254740993,true,2024-01-02,2024-01-02 03:04:05.123456,"tab\there"',
        'Bob "B",1e21,-0.0,-3,false,1999-12-31,2024-03-01 00:00:00,"quote "" and \\ and \u0001 and é 😀"',
        "Eve,0.000001,1e-7,0,,,,",
        "Eve,0.000001,1e-7,0,,,,",
      ].join("\n") + "\n",
    );
    const [pages, sql] = await both(extractCell("path: nopk.csv\nwrite_disposition: replace"), "never");
    expect(sql).toMatchObject({ ok: true, rows: 5 });
    expect(pages).toMatchObject({ ok: true, rows: 5 });
    await expectSameTables();
    const keys = await inWarehouse.query(`SELECT DISTINCT _row_key FROM data`);
    expect(keys).toHaveLength(4);
    for (const { _row_key: key } of keys) expect(key).toMatch(/^[0-9a-f]{32}$/);
  });

  it("computes a content key as the file is read and stages the table where it lies, where every column has values", async () => {
    const reader = inWarehouse.files;
    if (reader === undefined) throw new Error("the DuckDB warehouse reads files");
    const computed: (string | undefined)[] = [];
    const copies: string[] = [];
    const load = reader.load.bind(reader);
    const createTableAs = inWarehouse.createTableAs.bind(inWarehouse);
    inWarehouse = {
      ...inWarehouse,
      files: { ...reader, load: (table, files, format, options) => (computed.push(options?.computed?.name), load(table, files, format, options)) },
      createTableAs: (table, select) => (copies.push(table), createTableAs(table, select)),
    };
    const run = async (text: string) => {
      computed.length = 0;
      copies.length = 0;
      ws.write("content.csv", text);
      await both(extractCell("path: content.csv\nwrite_disposition: replace"), "never");
      await expectSameTables();
    };
    await run("name,score,at\nann,1.5,2024-01-02 03:04:05\nbob,2,2024-01-02 03:04:06\nbob,2,2024-01-02 03:04:06\n");
    expect(computed).toEqual(["__ab_row_key"]);
    expect(copies).toEqual([]);
    // A column without values is left out of the key: the computed one is not this key, and the rows are copied.
    await run("name,empty,score\nann,,1.5\nbob,,2\n");
    expect(computed).toEqual(["__ab_row_key"]);
    expect(copies).toEqual(["_ab_stage__data"]);
    // A column of the computed one's name: nothing is computed.
    await run("name,__ab_row_key\nann,x\n");
    expect(computed).toEqual([undefined]);
    // A field whose name normalizes to the key's: named as the page path names it.
    await run("name,_Row_Key\nann,x\nbob,y\n");
    expect(computed).toEqual(["__ab_row_key"]);
  });

  it("loads a CSV of a header alone, or of nothing, without a primary key: no rows, by SQL as by the pages", async () => {
    for (const text of ["name,score\n", ""]) {
      ws.write("bare.csv", text);
      const [pages, sql] = await both(extractCell("path: bare.csv\nwrite_disposition: replace"), "never");
      expect(sql).toMatchObject({ ok: true, rows: 0 });
      expect(pages).toMatchObject({ ok: true, rows: 0 });
    }
  });

  it("appends rows without a primary key keyed by their content: the same record, the same key, on every run", async () => {
    const append = extractCell("path: rows.csv\nwrite_disposition: append");
    ws.write("rows.csv", "name,score\nann,1.5\nbob,2\nbob,2\n");
    await both(append, "never");
    await expectSameTables();
    // bob again, with a column the first file did not have (empty for him): the same key. Rows
    // appended to a table are the page path's.
    ws.write("rows.csv", "name,score,extra\nbob,2,\ncy,3,x\n");
    await both(append, "allowed");
    await expectSameTables();
    const keys = await inWarehouse.query(`SELECT name, count(*) AS n, count(DISTINCT _row_key) AS keys FROM data GROUP BY name ORDER BY name`);
    expect(keys).toEqual([
      { name: "ann", n: 1, keys: 1 },
      { name: "bob", n: 3, keys: 1 },
      { name: "cy", n: 1, keys: 1 },
    ]);
  });

  it("keys Parquet rows without a primary key in SQL: decimals, floats, dates, timestamps", async () => {
    const file = path.join(ws.dataDir, "nokey.parquet");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(
      `COPY (SELECT (range * 1.25)::DECIMAL(10,2) AS price, (range / 3)::FLOAT AS ratio, (range / 7)::DOUBLE AS share, ` +
        `DATE '2024-01-01' + range::INTEGER AS day, TIMESTAMP '2024-01-01 10:00:00.5' + INTERVAL (range) MINUTE AS at, ` +
        `CASE WHEN range % 2 = 0 THEN 'even' END AS parity, range % 3 = 0 AS third FROM range(50)) TO '${file}' (FORMAT parquet)`,
    );
    connection.closeSync();
    instance.closeSync();
    await both(extractCell("path: nokey.parquet\nwrite_disposition: replace"), "never");
    await expectSameTables();
  });

  it("keys rows by the content version the asset was first keyed by: an asset from before versions keeps version 1 until a replace", async () => {
    const append = extractCell("path: old.csv\nwrite_disposition: append");
    ws.write("old.csv", "name\na\nb\n");
    await both(append, "never");
    // As an asset written before row keys had versions: its state without one.
    for (const warehouse of [byPages, inWarehouse]) {
      const state = await warehouse.readState(schemaStateKey("data"));
      const { rowKeys, ...older } = assetState.parse(state);
      expect(rowKeys).toBe(2);
      await warehouse.swap([], [{ key: schemaStateKey("data"), value: older }]);
      for (const name of ["a", "b"]) await warehouse.exec(`UPDATE data SET _row_key = '${rowKey(1, { name })}' WHERE name = '${name}'`);
    }
    ws.write("old.csv", "name\nb\nc\n");
    await both(append, "allowed");
    await expectSameTables();
    // b appended again is keyed as the first run keyed it.
    expect(await inWarehouse.query(`SELECT count(DISTINCT _row_key) AS keys FROM data WHERE name = 'b'`)).toEqual([{ keys: 1 }]);
    expect(assetState.parse(await inWarehouse.readState(schemaStateKey("data"))).rowKeys).toBe(1);
    // A replace rewrites every row: the current version again, through SQL.
    await both(extractCell("path: old.csv\nwrite_disposition: replace"), "never");
    await expectSameTables();
    expect(assetState.parse(await inWarehouse.readState(schemaStateKey("data"))).rowKeys).toBe(2);
  });

  it("leaves headers JavaScript orders first (2024) and a rowid column to the page path", async () => {
    ws.write("years.csv", "id,name,2024,2023\n1,a,5,6\n");
    await both(cell("years.csv", "id"), "allowed");
    await expectSameTables();
    ws.write("rowid.csv", "id,rowid,name\n1,9,a\n2,8,b\n");
    await both(cell("rowid.csv", "id"), "allowed");
    await expectSameTables();
  });

  it("refuses data_path on a CSV file as the page path does", async () => {
    ws.write("plain.csv", "id\n1\n");
    const [pages, sql] = await both(extractCell("path: plain.csv\ndata_path: items\nprimary_key: id"), "allowed");
    expect(outcomeOf(sql)).toEqual(outcomeOf(pages));
    expect(sql.ok).toBe(false);
  });

  it("reports a file it cannot read under the cell's path", async () => {
    ws.write("broken.parquet", "not parquet at all");
    const [pages, sql] = await both(cell("broken.parquet", "id"), "never");
    expect(pages.ok).toBe(false);
    expect(sql.ok).toBe(false);
    if (!sql.ok) expect(sql.reason).toMatch(/^cell "data": path: cannot read "broken.parquet": /);
  });
});

describe("a JSON file the warehouse reads itself", () => {
  const ndjson = (records: readonly unknown[]) => records.map((record) => JSON.stringify(record)).join("\n") + "\n";

  it("flattens nested records and types their values as the page path does, in the order it meets them", async () => {
    const records = [
      { id: 1, name: "Ann", at: "2024-01-03T10:00:00.123Z", day: "2024-01-01", amount: 12.5, whole: 1, ok: true, gone: null, map: { id: "m1", label: "x", deep: { level: 2 } } },
      { name: "Bob", id: 2, at: "2024-01-04T10:00:00+02:00", day: "2024-01-02", amount: 3, whole: 2, ok: false, gone: null, map: { label: "y", id: "m2", deep: { level: 3 } } },
      // Two fields first seen here, in this record's order (not the reader's).
      { late_b: "b", id: 3, late_a: "a", map: { id: "m3", label: "z", deep: { level: 4, extra: "e" } }, name: "Eve", amount: 0.25, whole: 3.0 },
      { id: 4, name: "Dee", "Odd Name": "o", map: { id: "m4", label: "w", deep: { level: 5 } } },
    ];
    ws.write("nested.ndjson", ndjson(records));
    await both(cell("nested.ndjson", "id"), "never");
    await expectSameTables();
    ws.write("nested.json", JSON.stringify(records, null, 2));
    await both(cell("nested.json", "id"), "never");
    await expectSameTables();
  });

  it("types text that is all dates as the page path does when it comes first, beside nested records", async () => {
    // The text's profile and the nested records' NULL counts are read from one row: neither may stand for the other.
    const records = [
      { day: "2024-01-01", meta: { a: 1 }, id: 1 },
      { day: "2024-01-02", meta: { a: 2 }, id: 2 },
    ];
    ws.write("first-text.ndjson", ndjson(records));
    const [viaPages, viaSql] = await both(cell("first-text.ndjson", "id"), "never");
    expect(viaPages.ok && viaPages.columns.find((column) => column.name === "day")?.type).toBe("DATE");
    expect(viaSql.ok && viaSql.columns.find((column) => column.name === "day")?.type).toBe("DATE");
    await expectSameTables();
    // Text with a plain value later, beside nested records that are always there: SQL's.
    ws.write("later-plain.ndjson", ndjson([{ note: "2024-01-01", meta: { a: 1 }, id: 1 }, { note: "plain", meta: { a: 2 }, id: 2 }]));
    await both(cell("later-plain.ndjson", "id"), "never");
    await expectSameTables();
    // A nested record written null in a record is the page path's (it claims the name), whatever the text before it holds.
    ws.write("null-nested.ndjson", ndjson([{ name: "a", meta: { x: 1 }, id: 1 }, { name: "b", meta: null, id: 2 }]));
    const [, nullNested] = await both(cell("null-nested.ndjson", "id"), "allowed");
    expect(nullNested.ok && nullNested.load.staged).toEqual({ by: "pages", reason: "record 2 has meta null" });
    await expectSameTables();
    // So is one in a list's elements; one missing there is SQL's.
    ws.write("null-in-element.ndjson", ndjson([{ id: 1, items: [{ sku: "x", dims: { w: 1 } }, { sku: "y", dims: null }] }]));
    await both(cell("null-in-element.ndjson", "id"), "allowed");
    await expectSameTables();
    await expectSameChildren("data__items");
    ws.write("missing-in-element.ndjson", ndjson([{ id: 1, items: [{ sku: "x", dims: { w: 1 } }, { sku: "y" }] }]));
    await both(cell("missing-in-element.ndjson", "id"), "never");
    await expectSameTables();
    await expectSameChildren("data__items");
  });

  it("keys nested records without a primary key in SQL as the page path does: keys in any order, nulls and missing fields alike, escapes", async () => {
    const records = [
      { b: 1, a: "x", map: { z: null, y: 2.5, "é": "accent", "Z\"q": "quote" }, gone: null },
      { a: "x", map: { "Z\"q": "quote", y: 2.5, "é": "accent" }, b: 1 },
      { a: "\u0001 \u001f \\u0041 \n", b: -0, map: { y: 1e21 }, "😀": true, "ｚ": false },
      { a: "tab\t", b: 1.0, map: { y: 1e-7 } },
      { b: 0.1, map: {} },
      { map: { y: null } },
    ];
    ws.write("keyed.ndjson", ndjson(records));
    await both(extractCell("path: keyed.ndjson\nwrite_disposition: replace"), "never");
    await expectSameTables();
    // The first two are one record, their keys in another order and a null left out.
    const [first, second] = await inWarehouse.query(`SELECT _row_key FROM data WHERE a = 'x'`);
    expect(first?._row_key).toBe(second?._row_key);
  });

  it("tells records without a key that have no value from records that are not objects (null), which go the page path's way", async () => {
    ws.write("valueless.ndjson", '{"a":1}\n{}\n{"a":null}\n');
    await both(extractCell("path: valueless.ndjson\nwrite_disposition: replace"), "never");
    await expectSameTables();
    const texts: Record<string, string> = {
      "null-record.ndjson": '{"a":1}\nnull\n{"a":2}\n',
      "null-record.json": '[{"a":1}, null, {"a":2}]',
      "nul-key.ndjson": '{"a\\u0000b":1}\n',
    };
    for (const [file, text] of Object.entries(texts)) {
      ws.write(file, text);
      const [pages, sql] = await both(extractCell(`path: ${file}\nwrite_disposition: replace`), "allowed");
      expect(outcomeOf(sql), file).toEqual(outcomeOf(pages));
      await expectSameTables();
    }
  });

  it("keys numbers in SQL as JavaScript writes them: random doubles, whole, tiny and huge", async () => {
    const view = new DataView(new ArrayBuffer(8));
    let seed = 7;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values: number[] = [0, 1, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), 2 ** 64, 1e20, 1e21, 1.5e21, 1e-6, 0.0000011, 1e-7, 1.5e-7, 123e-20, 0.1 + 0.2, 5e-324, 1.7976931348623157e308];
    while (values.length < 3_000) {
      view.setUint32(0, Math.floor(random() * 2 ** 32));
      view.setUint32(4, Math.floor(random() * 2 ** 32));
      const bits = view.getFloat64(0);
      const decimal = Number((random() * 10 ** Math.floor(random() * 44 - 22)).toPrecision(1 + Math.floor(random() * 17)));
      for (const value of [bits, decimal, -decimal]) if (Number.isFinite(value)) values.push(value);
    }
    // One field per record, so each record's key rests on its one number.
    ws.write("numbers.ndjson", ndjson(values.map((v) => ({ v }))));
    await both(extractCell("path: numbers.ndjson\nwrite_disposition: replace"), "never");
    await expectSameTables();
  });

  it("keeps an incremental run's cursor as the page path does: instants, the first of equal ones, numbers; a stored cursor's filter goes page by page", async () => {
    const cursorOf = async (warehouse: Warehouse) => warehouse.readState(cursorStateKey("data"));
    const records = [
      { id: 1, at: "2024-01-02T10:00:00Z", n: 5 },
      { id: 2, at: "2024-01-02T12:00:00+02:00", n: 7.5 },
      { id: 3, at: "2024-01-02", n: null },
      { id: 4, at: "2024-01-02T11:00:00.000+01:00", n: 2 },
      { id: 5, n: 1 },
    ];
    const incremental = (field: string, disposition = "merge") => extractCell(`path: inc.ndjson\nprimary_key: id\nwrite_disposition: ${disposition}\nincremental: { cursor: ${field} }`);
    ws.write("inc.ndjson", ndjson(records));
    await both(incremental("at"), "never");
    await expectSameTables();
    // 10:00Z, 12:00+02:00 and 11:00+01:00 are one instant: the first is kept.
    expect(await cursorOf(inWarehouse)).toBe("2024-01-02T10:00:00Z");
    expect(await cursorOf(inWarehouse)).toEqual(await cursorOf(byPages));
    // The next run drops records at or before it, record by record.
    ws.write("inc.ndjson", ndjson([...records, { id: 6, at: "2024-01-03T00:00:00Z", n: 0 }]));
    await both(incremental("at"), "allowed");
    await expectSameTables();
    expect(await cursorOf(inWarehouse)).toEqual(await cursorOf(byPages));
  });

  it("keeps a number cursor as the page path does", async () => {
    ws.write("num.csv", "id,n,label\n1,5,a\n2,7.5,b\n3,,c\n");
    await both(extractCell("path: num.csv\nprimary_key: id\nwrite_disposition: replace\nincremental: { cursor: n }"), "never");
    expect(await inWarehouse.readState(cursorStateKey("data"))).toBe(7.5);
    expect(await inWarehouse.readState(cursorStateKey("data"))).toEqual(await byPages.readState(cursorStateKey("data")));
  });

  it("leaves a cursor compared by JavaScript's rules to the page path: plain text, numbers written as text", async () => {
    for (const [file, values] of Object.entries({ "text-cursor.ndjson": ["b", "a", "c"], "numeric-text.ndjson": ["5", "10", "7"] })) {
      ws.write(file, ndjson(values.map((v, id) => ({ id, v }))));
      await both(extractCell(`path: ${file}\nprimary_key: id\nwrite_disposition: replace\nincremental: { cursor: v }`), "allowed");
      await expectSameTables();
      expect(await inWarehouse.readState(cursorStateKey("data")), file).toEqual(await byPages.readState(cursorStateKey("data")));
    }
  });

  it("keeps a field first seen after the reader's default sample (20,480 records)", async () => {
    const records = Array.from({ length: 21_000 }, (_, i) => (i === 20_990 ? { id: i, name: `r${i}`, late: "2024-05-06" } : { id: i, name: `r${i}` }));
    ws.write("long.ndjson", ndjson(records));
    await both(cell("long.ndjson", "id"), "never");
    await expectSameTables();
  });

  it("merges a second file by a nested key, as the page path does", async () => {
    ws.write("a.ndjson", ndjson([{ user: { id: 1 }, name: "a" }, { user: { id: 2 }, name: "b" }]));
    await both(cell("a.ndjson", "user.id", "merge"), "never");
    ws.write("a.ndjson", ndjson([{ user: { id: 2 }, name: "B", at: "2024-01-01" }, { user: { id: 3 }, name: "c" }]));
    await both(cell("a.ndjson", "user.id", "merge"), "never");
    await expectSameTables();
  });

  it("fails a record without its key with the page path's error", async () => {
    ws.write("nokey.ndjson", ndjson([{ id: 1 }, { name: "x" }]));
    const [pages, sql] = await both(cell("nokey.ndjson", "id"), "never");
    expect(outcomeOf(sql)).toEqual(outcomeOf(pages));
    expect(sql.ok).toBe(false);
  });

  it("leaves text with dates to the page path where its first batch holds only dates (the page path then casts them to text)", async () => {
    const records = Array.from({ length: 10_001 }, (_, i) => ({ id: i, t: i < 10_000 ? "2024-01-02T10:00:00Z" : "soon" }));
    ws.write("late-text.ndjson", ndjson(records));
    await both(cell("late-text.ndjson", "id"), "allowed");
    await expectSameTables();
    ws.write("early-text.ndjson", ndjson(records.map((record, i) => (i === 3 ? { ...record, t: "now" } : record))));
    await both(cell("early-text.ndjson", "id"), "never");
    await expectSameTables();
  });

  it("leaves to the page path what JSON.parse refuses or reads otherwise: NaN, null records, one object in a .json file, the empty key, a dotted key beside a nested one, the smallest int64", async () => {
    const texts: Record<string, string> = {
      "nan.ndjson": '{"id":1}\n{"id":2,"v":NaN}\n{"id":3,"v":1.5}\n',
      "nullrecord.ndjson": '{"id":1}\nnull\n',
      "one.json": '{"id":1,"a":"x"}',
      "empty-key.ndjson": '{"id":1}\n{"id":2,"":5}\n',
      "dotted.ndjson": '{"id":1,"a.b":1,"a":{"b":2}}\n',
      "min.ndjson": '{"id":1,"n":-9223372036854775808}\n',
    };
    for (const [file, text] of Object.entries(texts)) {
      ws.write(file, text);
      const [pages, sql] = await both(cell(file, "id"), "allowed");
      expect(outcomeOf(sql), file).toEqual(outcomeOf(pages));
      await expectSameTables();
    }
  });

  const expectSameChildren = async (...tables: string[]) => {
    for (const table of ["data", ...tables]) {
      expect(await inWarehouse.describe(table), `${table} exists`).not.toBeNull();
      await expectSameTables(table);
    }
  };

  it("unnests lists into child tables in SQL as the page path does: records and scalars, nested fields, empty and null lists, dates", async () => {
    const records = [
      { id: 1, tags: ["a", "b"], items: [{ sku: "x", qty: 2, at: "2024-01-02", dims: { w: 1.5 } }, { qty: 3, sku: "y", extra: true }], order: { lines: [{ n: 1 }] } },
      { id: 2, tags: [], items: null, order: { lines: [] } },
      { id: 3, items: [{ sku: "z", late: "2024-05-06T07:08:09Z", dims: { w: 2 } }], order: { lines: [{ n: 2 }, { n: 3, note: "n" }] } },
      { id: 4, tags: ["c"], order: { lines: [{ n: 4 }] } },
    ];
    ws.write("lists.ndjson", ndjson(records));
    await both(cell("lists.ndjson", "id"), "never");
    await expectSameChildren("data__tags", "data__items", "data__order__lines");
    expect(await inWarehouse.query(`SELECT value, _parent_key, _root_key, _index FROM data__tags ORDER BY _parent_key, _index`)).toEqual([
      { value: "a", _parent_key: "1", _root_key: "1", _index: 0 },
      { value: "b", _parent_key: "1", _root_key: "1", _index: 1 },
      { value: "c", _parent_key: "4", _root_key: "4", _index: 0 },
    ]);
    // A second run without one of the lists replaces its table by an empty one.
    ws.write("lists.ndjson", ndjson(records.map((record) => ({ ...record, tags: undefined }))));
    await both(cell("lists.ndjson", "id"), "never");
    await expectSameChildren("data__tags", "data__items", "data__order__lines");
  });

  it("keys child rows of records without a primary key by their record's content, lists included", async () => {
    const records = [{ name: "a", tags: [{ t: "x" }, { t: "y", w: 1 }] }, { name: "a", tags: [{ t: "x" }] }, { tags: [] }, { name: "b" }];
    ws.write("nokey-lists.ndjson", ndjson(records));
    await both(extractCell("path: nokey-lists.ndjson\nwrite_disposition: replace"), "never");
    await expectSameChildren("data__tags");
  });

  it("merges records with lists: a merged record's children are replaced as a whole", async () => {
    ws.write("m.ndjson", ndjson([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: ["c"] }]));
    await both(cell("m.ndjson", "id", "merge"), "never");
    ws.write("m.ndjson", ndjson([{ id: 2, tags: ["d", "e"] }, { id: 3, tags: [] }, { id: 2, tags: ["f"] }]));
    await both(cell("m.ndjson", "id", "merge"), "never");
    await expectSameChildren("data__tags");
  });

  it("merges records with lists whose keys repeat in its first run: the last record's elements alone, counted as the page path counts them", async () => {
    const merge = cell("first.ndjson", "id", "merge");
    ws.write("first.ndjson", ndjson([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: ["c"] }, { id: 1, tags: ["d"] }, { id: 3, tags: [] }]));
    const [pages, sql] = await both(merge, "never");
    await expectSameTables();
    await expectSameChildren("data__tags");
    expect(sql.ok && pages.ok && sql.load.tables).toEqual(pages.ok && pages.load.tables);
    expect(await inWarehouse.query("SELECT value FROM data__tags ORDER BY value")).toEqual([{ value: "c" }, { value: "d" }]);
    // The merge's own columns did not reach the tables, and nothing staged is left.
    for (const table of ["data", "data__tags"]) expect((await inWarehouse.describe(table))?.map((column) => column.name).filter((name) => name.startsWith("_ab_"))).toEqual([]);
    expect(await inWarehouse.query("SELECT table_name FROM information_schema.tables WHERE table_name LIKE '\\_ab\\_%' ESCAPE '\\'")).toEqual([]);
    ws.write("first.ndjson", ndjson([{ id: 2, tags: ["e"] }, { id: 4, tags: ["f", "g"] }, { id: 2, tags: ["h", "i"] }]));
    const [pages2, sql2] = await both(merge, "never");
    await expectSameTables();
    await expectSameChildren("data__tags");
    expect(sql2.ok && pages2.ok && sql2.load.tables).toEqual(pages2.ok && pages2.load.tables);
  });

  it("merges records whose lists are new to the asset, keys repeating, as the page path does", async () => {
    const merge = cell("later.ndjson", "id", "merge");
    ws.write("later.ndjson", ndjson([{ id: 1, v: 1 }, { id: 2, v: 2 }]));
    await both(merge, "never");
    ws.write("later.ndjson", ndjson([{ id: 2, tags: ["a"] }, { id: 3, tags: ["b", "c"] }, { id: 2, tags: ["d", "e"] }]));
    await both(merge, "never");
    await expectSameTables();
    await expectSameChildren("data__tags");
  });

  it("merges records without lists into an asset whose child tables an earlier run made, as the page path does", async () => {
    ws.write("m.ndjson", ndjson([{ id: 1, tags: ["a", "b"] }, { id: 2, tags: ["c"] }]));
    await both(cell("m.ndjson", "id", "merge"), "never");
    ws.write("m.ndjson", ndjson([{ id: 2, v: 1 }, { id: 3, v: 2 }, { id: 2, v: 3 }]));
    await both(cell("m.ndjson", "id", "merge"), "never");
    await expectSameTables();
    await expectSameChildren("data__tags");
  });

  it("appends to a child table that is there when its root is not, as the page path does", async () => {
    const append = cell("app.ndjson", "id", "append");
    ws.write("app.ndjson", ndjson([{ id: 1, l: [1] }]));
    await both(append, "never");
    for (const warehouse of [byPages, inWarehouse]) await warehouse.drop("data");
    ws.write("app.ndjson", ndjson([{ id: 2, l: [2] }]));
    await both(append, "allowed");
    await expectSameChildren("data__l");
    expect(await inWarehouse.query(`SELECT value FROM data__l ORDER BY value`)).toEqual([{ value: 1 }, { value: 2 }]);
  });

  it("orders a child table's columns by the element that brings them, in its key order", async () => {
    const records = [{ id: 1, items: [{ b: 1 }, { z: 1, a: 2, b: 3 }] }, { id: 2, items: [{ y: "late", b: 4 }] }];
    ws.write("order.ndjson", ndjson(records));
    await both(cell("order.ndjson", "id"), "never");
    await expectSameChildren("data__items");
  });

  it("leaves to the page path lists it alone makes: lists in lists' elements, lists of lists, nulls among records, mixed elements", async () => {
    const cases: Record<string, unknown[]> = {
      "deep.ndjson": [{ id: 1, items: [{ parts: [1, 2] }] }],
      "lol.ndjson": [{ id: 1, grid: [[1, 2], [3]] }],
      "nullitem.ndjson": [{ id: 1, items: [{ a: 1 }, null] }],
      "mixeditems.ndjson": [{ id: 1, items: [1, "a"] }],
      // `o` null claims its name in the page path, missing does not: SQL cannot tell them apart.
      "listsonly.ndjson": [{ id: 1, o: { l: [{ a: 1 }] } }, { id: 2, o: null }],
    };
    for (const [file, records] of Object.entries(cases)) {
      ws.write(file, ndjson(records));
      const [pages, sql] = await both(cell(file, "id"), "allowed");
      expect(sql.ok, file).toBe(pages.ok);
      await expectSameTables();
    }
  });

  it("leaves to the page path what only it reads: mixed values, null records, wide integers, renamed keys, names alike, non-records", async () => {
    const cases: Record<string, unknown[]> = {
      "mixed.ndjson": [{ id: 1, v: "x" }, { id: 2, v: 5 }],
      "nullrecord.ndjson": [{ id: 1, map: { a: 1 } }, { id: 2, map: null }],
      "wide.ndjson": [{ id: 1, big: 9007199254740993 }],
      "case.ndjson": [{ id: 1, Name: "a", name: "b" }],
      "alike.ndjson": [{ id: 1, "a b": 1, a_b: 2 }],
      "scalar.ndjson": [1, 2],
    };
    for (const [file, records] of Object.entries(cases)) {
      // JSON.stringify would round the wide integer: written by hand.
      ws.write(file, file === "wide.ndjson" ? '{"id":1,"big":9007199254740993}\n' : ndjson(records));
      const [pages, sql] = await both(cell(file, "id"), "allowed");
      expect(sql.ok, file).toBe(pages.ok);
      await expectSameTables();
    }
  });
});

