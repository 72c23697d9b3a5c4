import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Field, Int32, List, Struct, Table, tableToIPC, Utf8, vectorFromArray } from "apache-arrow";
import type { DuckDBBindings } from "@duckdb/duckdb-wasm/blocking";
import { WasmSqlReferenceParser } from "../graph/sql-refs-wasm";
import { warehouseConformance } from "./conformance";
import { rejection } from "./conformance-helpers";
import { createWasmWarehouse, wasmConnectionFromBlocking } from "./duckdb-wasm";
import { openNodeWasmDatabase } from "./duckdb-wasm-node";
import type { Warehouse } from "./types";

// One database for the file (instantiating costs ~2 s); each warehouse gets a fresh
// connection on an emptied database, which is what "a fresh warehouse" means here.
let db: DuckDBBindings;
beforeAll(async () => {
  db = await openNodeWasmDatabase();
}, 60_000);

async function freshWarehouse(): Promise<Warehouse> {
  const wipe = db.connect();
  try {
    const tables = wipe.query("select schema_name, table_name from duckdb_tables() where not internal").toArray();
    for (const row of tables) wipe.query(`drop table if exists "${String(row.schema_name)}"."${String(row.table_name)}"`);
  } finally {
    wipe.close();
  }
  return createWasmWarehouse(wasmConnectionFromBlocking(db.connect()));
}

warehouseConformance("duckdb-wasm (Node, blocking bindings)", freshWarehouse);

describe("duckdb-wasm specifics", () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await freshWarehouse();
  });
  afterAll(async () => {
    await warehouse.close();
  });

  it("is locked down: no file or network access, no extensions, settings locked", async () => {
    const settings = await warehouse.query(
      "select name, value from duckdb_settings() where name in ('enable_external_access', 'lock_configuration', 'autoload_known_extensions', 'autoinstall_known_extensions') order by name",
    );
    expect(Object.fromEntries(settings.map((row) => [row.name, row.value]))).toEqual({
      autoinstall_known_extensions: "false",
      autoload_known_extensions: "false",
      enable_external_access: "false",
      lock_configuration: "true",
    });
    expect((await rejection(warehouse.query("select * from read_csv('/etc/passwd')"))).kind).toBe("permission");
    expect((await rejection(warehouse.query("select * from read_csv('http://127.0.0.1:9/x.csv')"))).kind).toBe("permission");
    expect((await rejection(warehouse.exec("set enable_external_access = true"))).kind).toBe("locked_configuration");
    const json = await rejection(warehouse.query("select '1'::json as j"));
    expect(json.kind).toBe("extension");
    expect(json.hint).toContain("none are built into this warehouse");
  });

  it("stores JSON as VARCHAR holding JSON text", async () => {
    await warehouse.loadRows("docs", [{ name: "doc", type: "JSON" }], [{ doc: { a: [1, 2] } }]);
    expect((await warehouse.describe("docs"))?.[0]?.type).toBe("VARCHAR");
    expect(await warehouse.query("select doc from docs")).toEqual([{ doc: '{"a":[1,2]}' }]);
  });

  it("returns decimals as numbers, HUGEINT sums as integers, nested values as arrays and objects", async () => {
    const [row] = await warehouse.query(
      "select 1.25::decimal(10,2) as d, -3.5::decimal(18,3) as neg, (select sum(x) from range(4) t(x)) as s, " +
        "170141183460469231731687303715884105727::hugeint as huge, [1, 2] as l, {'at': timestamp '2024-01-02 03:04:05', 'n': 5::bigint} as st, " +
        "[{'d': date '2024-01-02'}] as ls, null::integer as nothing",
    );
    expect(row).toEqual({
      d: 1.25,
      neg: -3.5,
      s: 6,
      huge: 170141183460469231731687303715884105727n,
      l: [1, 2],
      st: { at: new Date("2024-01-02T03:04:05Z"), n: 5 },
      ls: [{ d: new Date("2024-01-02T00:00:00Z") }],
      nothing: null,
    });
  });

  it("loads nested Arrow columns as JSON text and keeps data loaded by an earlier stream", async () => {
    const table = new Table({
      tags: vectorFromArray([[1, 2], null], new List(new Field("item", new Int32(), true))),
      point: vectorFromArray([{ x: 1, label: "p" }, null], new Struct([new Field("x", new Int32()), new Field("label", new Utf8())])),
    });
    await warehouse.loadArrow("nested", tableToIPC(table, "stream"));
    await warehouse.loadArrow("nested", tableToIPC(table, "file"));
    const rows = await warehouse.query("select tags, point from nested");
    expect(rows).toEqual([
      { tags: "[1,2]", point: '{"x":1,"label":"p"}' },
      { tags: null, point: null },
      { tags: "[1,2]", point: '{"x":1,"label":"p"}' },
      { tags: null, point: null },
    ]);
  });

  it("refuses bytes that are not Arrow, loading nothing", async () => {
    const error = await rejection(warehouse.loadArrow("garbage", new Uint8Array([1, 2, 3, 4])));
    expect(error.kind).toBe("conversion");
    expect(await warehouse.describe("garbage")).toBeNull();
  });

  it("gives WasmSqlReferenceParser the tables a statement reads", async () => {
    const parser = new WasmSqlReferenceParser(wasmConnectionFromBlocking(db.connect()));
    const refs = await parser.tableReferences("with w as (select * from rides) select * from w join athletes a on a.id = w.id");
    expect(refs.map((ref) => ref.name).sort()).toEqual(["athletes", "rides"]);
  });

  it("swaps a table for a table in one round trip, and still replaces a view (looking, after a first try fails on it)", async () => {
    const sent: string[] = [];
    const connection = wasmConnectionFromBlocking(db.connect());
    const counted = createWasmWarehouse({ ...connection, runQuery: (sql) => (sent.push(sql), connection.runQuery(sql)) });
    try {
      await counted.exec("CREATE TABLE swapped AS SELECT 1 AS a");
      await counted.exec("CREATE TABLE swapped_next AS SELECT 2 AS a");
      sent.length = 0;
      await counted.swap([{ staging: "swapped_next", target: "swapped" }], [], { retireAs: (target) => `${target}_retired` });
      expect(sent).toHaveLength(1);
      expect(sent[0]).not.toContain("duckdb_tables()");
      expect(await counted.query("SELECT a FROM swapped")).toEqual([{ a: 2 }]);
      expect(await counted.query("SELECT a FROM swapped_retired")).toEqual([{ a: 1 }]);

      // A view asset that became a table, with and without a retired name.
      for (const retire of [false, true]) {
        await counted.exec("DROP TABLE IF EXISTS was_view; CREATE VIEW was_view AS SELECT 3 AS a");
        await counted.exec("CREATE OR REPLACE TABLE was_view_next AS SELECT 4 AS a");
        sent.length = 0;
        await counted.swap([{ staging: "was_view_next", target: "was_view" }], [], retire ? { retireAs: (target) => `${target}_retired` } : {});
        expect(sent.some((sql) => sql.includes("duckdb_tables()"))).toBe(true);
        expect(await counted.query("SELECT a FROM was_view")).toEqual([{ a: 4 }]);
        expect(await counted.query("SELECT table_name FROM duckdb_tables() WHERE table_name = 'was_view'")).toEqual([{ table_name: "was_view" }]);
        expect(await counted.query("SELECT count(*)::INTEGER AS n FROM duckdb_views() WHERE view_name = 'was_view'")).toEqual([{ n: 0 }]);
      }
    } finally {
      await counted.close();
    }
  });
});
