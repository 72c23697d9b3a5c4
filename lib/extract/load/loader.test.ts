import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import type { Warehouse } from "../../warehouse/types";
import { ContractError } from "../normalize/contract";
import { readCursor } from "./incremental";
import { loadExtract } from "./load-extract";
import { ExtractLoader } from "./loader";
import type { ExtractLoadOptions } from "./load-options";

let dir: string;
let warehouse: Warehouse;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-extract-"));
  warehouse = await openDuckDbWarehouse({ path: path.join(dir, "wh.duckdb"), dataDir: dir });
});
afterEach(async () => {
  await warehouse.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = (sql: string) => warehouse.query(sql);
const types = async (table: string) => Object.fromEntries(((await warehouse.describe(table)) ?? []).map((c) => [c.name, c.type]));
const tableNames = async () =>
  (await rows(`select table_name from information_schema.tables where table_schema = 'main' order by 1`)).map((r) => r.table_name);

async function snapshot(tables: string[]) {
  const out: Record<string, unknown> = {};
  for (const table of tables) out[table] = { types: await types(table), rows: await rows(`select * from "${table}" order by all`) };
  return out;
}

function load(pages: unknown[][], options: Partial<ExtractLoadOptions> = {}) {
  return loadExtract(warehouse, pages, { asset: "rides", ...options });
}

describe("nested records", () => {
  it("flattens objects and lists into a root table and child tables", async () => {
    const result = await load(
      [
        [
          {
            id: 1,
            "Rider Name": "Ann",
            map: { id: "m1", Center: { lat: 1.5, lng: 2 } },
            tags: ["fast", "night"],
            matrix: [[1, 2], [3]],
            legs: [
              { n: 1, points: [{ x: 0 }, { x: 1 }] },
              { n: 2, points: [] },
            ],
          },
        ],
      ],
      { primaryKey: "id", writeDisposition: "replace" },
    );
    expect(await rows(`select * from rides`)).toEqual([
      { id: 1, rider_name: "Ann", map__id: "m1", map__center__lat: 1.5, map__center__lng: 2 },
    ]);
    expect(await rows(`select value, _parent_key, _root_key, _index from rides__tags order by _index`)).toEqual([
      { value: "fast", _parent_key: "1", _root_key: "1", _index: 0 },
      { value: "night", _parent_key: "1", _root_key: "1", _index: 1 },
    ]);
    expect(
      await rows(
        `select m._index as row, c._index as col, c.value from rides__matrix m join rides__matrix__value c on c._parent_key = m._row_key order by all`,
      ),
    ).toEqual([
      { row: 0, col: 0, value: 1 },
      { row: 0, col: 1, value: 2 },
      { row: 1, col: 0, value: 3 },
    ]);
    expect(
      await rows(`select l.n, p._index, p.x from rides__legs l join rides__legs__points p on p._parent_key = l._row_key order by all`),
    ).toEqual([
      { n: 1, _index: 0, x: 0 },
      { n: 1, _index: 1, x: 1 },
    ]);
    expect(await types("rides__legs__points")).toEqual({
      x: "BIGINT",
      _parent_key: "VARCHAR",
      _root_key: "VARCHAR",
      _index: "BIGINT",
      _row_key: "VARCHAR",
    });
    expect(result.tables.map((t) => [t.name, t.rows])).toEqual([
      ["rides", 1],
      ["rides__tags", 2],
      ["rides__matrix", 2],
      ["rides__matrix__value", 3],
      ["rides__legs", 2],
      ["rides__legs__points", 2],
    ]);
    expect(result.names.rides).toEqual({
      id: "id",
      rider_name: "Rider Name",
      map__id: "map.id",
      map__center__lat: "map.Center.lat",
      map__center__lng: "map.Center.lng",
    });
  });

  it("keys children of records without a primary key by a hash of the record", async () => {
    await load([[{ a: 1, tags: ["x"] }]], { writeDisposition: "replace" });
    const [root] = await rows(`select _row_key from rides`);
    expect(await rows(`select _parent_key from rides__tags`)).toEqual([{ _parent_key: root?._row_key }]);
  });

  it("stores nesting deeper than max_depth as JSON", async () => {
    await load([[{ id: 1, a: { b: { c: 1 } } }]], { writeDisposition: "replace", maxDepth: 1 });
    expect(await types("rides")).toEqual({ id: "BIGINT", a__b: "JSON", _row_key: "VARCHAR" });
    expect(await rows(`select a__b::varchar as v from rides`)).toEqual([{ v: '{"c":1}' }]);
  });

  it("infers timestamps, booleans and JSON for mixed values", async () => {
    await load(
      [
        [
          { started: "2024-05-01T10:00:00Z", ok: true, mixed: 1, flag: 1 },
          { started: "2024-05-02T10:00:00+02:00", mixed: { a: 1 }, flag: false },
        ],
      ],
      // max_depth 0 keeps `mixed` whole; at depth 1 the object would become mixed__a.
      { writeDisposition: "replace", maxDepth: 0 },
    );
    expect(await types("rides")).toMatchObject({ started: "TIMESTAMP", ok: "BOOLEAN", mixed: "JSON", flag: "JSON" });
    expect(await rows(`select mixed::varchar as m, flag::varchar as f from rides order by started`)).toEqual([
      { m: "1", f: "1" },
      { m: '{"a":1}', f: "false" },
    ]);
    expect(await rows(`select strftime(started, '%Y-%m-%d %H:%M') as t from rides order by started`)).toEqual([
      { t: "2024-05-01 10:00" },
      { t: "2024-05-02 08:00" },
    ]);
  });
});

describe("schema evolution", () => {
  it("promotes a column mid-run when a later page brings wider values", async () => {
    await load([[{ id: 1, v: 1 }], [{ id: 2, v: 2 }], [{ id: 3, v: 2.5 }]], { writeDisposition: "replace", primaryKey: "id" });
    expect(await types("rides")).toEqual({ id: "BIGINT", v: "DOUBLE" });
    expect(await rows(`select v from rides order by id`)).toEqual([{ v: 1 }, { v: 2 }, { v: 2.5 }]);
  });

  it("promotes to VARCHAR or JSON mid-run when values stop fitting", async () => {
    await load([[{ at: "2024-05-01T10:00:00Z", v: 1 }], [{ at: "soon", v: true }]], { writeDisposition: "replace" });
    expect(await types("rides")).toMatchObject({ at: "VARCHAR", v: "JSON" });
    expect(await rows(`select "at", v::varchar as v from rides order by v`)).toEqual([
      { at: "2024-05-01 10:00:00", v: "1" },
      { at: "soon", v: "true" },
    ]);
  });

  it("adds columns and promotes types between runs (append)", async () => {
    const options = { writeDisposition: "append", primaryKey: "id" } as const;
    await load([[{ id: 1, speed: 3 }]], options);
    await load([[{ id: 2, speed: 2.5, elev: 10 }]], options);
    expect(await types("rides")).toEqual({ id: "BIGINT", speed: "DOUBLE", elev: "BIGINT" });
    await load([[{ id: 3, speed: "fast" }]], options);
    expect(await types("rides")).toEqual({ id: "BIGINT", speed: "VARCHAR", elev: "BIGINT" });
    expect(await rows(`select * from rides order by id`)).toEqual([
      { id: 1, speed: "3.0", elev: null },
      { id: 2, speed: "2.5", elev: 10 },
      { id: 3, speed: "fast", elev: null },
    ]);
  });
});

describe("contracts", () => {
  const seed = () => load([[{ id: 1, dist: 5, tags: ["a"], splits: [1] }]], { writeDisposition: "append", primaryKey: "id" });
  const next = (contract: ExtractLoadOptions["contract"], records: unknown[]) =>
    load([records], { writeDisposition: "append", primaryKey: "id", contract });

  it("columns: freeze fails with the cell, column and a sample value, and changes nothing", async () => {
    await seed();
    const before = await snapshot(["rides", "rides__tags"]);
    await expect(next({ columns: "freeze" }, [{ id: 2, dist: 1, elev_high: 123.4 }])).rejects.toThrow(
      new ContractError('cell "rides": contract: new column "elev_high" (sample value 123.4) but columns is freeze'),
    );
    expect(await snapshot(["rides", "rides__tags"])).toEqual(before);
  });

  it("columns: discard_row and discard_value", async () => {
    await seed();
    const result = await next({ columns: "discard_row" }, [{ id: 2, elev: 1 }, { id: 3, dist: 2 }]);
    expect(result.records).toEqual({ loaded: 1, discarded: 1 });
    await next({ columns: "discard_value" }, [{ id: 4, dist: 3, elev: 1, laps: [1, 2] }]);
    expect(await rows(`select * from rides order by id`)).toEqual([
      { id: 1, dist: 5 },
      { id: 3, dist: 2 },
      { id: 4, dist: 3 },
    ]);
    expect(await tableNames()).not.toContain("rides__laps");
  });

  it("data_type: freeze fails with the exact message", async () => {
    await seed();
    await expect(next({ data_type: "freeze" }, [{ id: 2, dist: 1.5 }])).rejects.toThrow(
      'cell "rides": contract: column "dist" is BIGINT but got DOUBLE (sample value 1.5) and data_type is freeze',
    );
    await expect(next({ data_type: "freeze" }, [{ id: 2, splits: [7.5] }])).rejects.toThrow(
      'cell "rides": contract: column "value" in table "rides__splits" is BIGINT but got DOUBLE (sample value 7.5) and data_type is freeze',
    );
    // a number fits a VARCHAR column without a type change
    await expect(next({ data_type: "freeze" }, [{ id: 2, tags: [7] }])).resolves.toBeDefined();
    expect(await types("rides")).toEqual({ id: "BIGINT", dist: "BIGINT" });
  });

  it("data_type: discard_row and discard_value", async () => {
    await seed();
    await next({ data_type: "discard_row" }, [{ id: 2, dist: "far" }, { id: 3, dist: 4 }]);
    await next({ data_type: "discard_value" }, [{ id: 5, dist: 1.5 }]);
    expect(await types("rides")).toEqual({ id: "BIGINT", dist: "BIGINT" });
    expect(await rows(`select * from rides order by id`)).toEqual([
      { id: 1, dist: 5 },
      { id: 3, dist: 4 },
      { id: 5, dist: null },
    ]);
  });
});

describe("write dispositions", () => {
  const pages = [
    [
      { id: 1, name: "a", stops: [{ s: "x", legs: [1, 2] }] },
      { id: 2, name: "b", stops: [] },
    ],
    [{ id: 3, name: "c", stops: [{ s: "y", legs: [3] }, { s: "z", legs: [] }] }],
  ];
  const tables = ["rides", "rides__stops", "rides__stops__legs"];

  it("merge is idempotent: the same pages twice give the same tables, children included", async () => {
    const options = { writeDisposition: "merge", primaryKey: "id" } as const;
    await load(pages, options);
    const first = await snapshot(tables);
    await load(pages, options);
    expect(await snapshot(tables)).toEqual(first);
    expect(await rows(`select count(*)::int as n from rides__stops__legs`)).toEqual([{ n: 3 }]);
  });

  it("merge upserts, keeps the last record per key within a run, and replaces the children of merged records", async () => {
    const options = { writeDisposition: "merge", primaryKey: "id" } as const;
    await load(pages, options);
    const result = await load(
      [[{ id: 1, name: "a2", stops: [{ s: "q", legs: [9] }] }], [{ id: 3, name: "c2", stops: [] }, { id: 1, name: "a3", stops: [{ s: "r", legs: [] }] }]],
      options,
    );
    expect(await rows(`select id, name from rides order by id`)).toEqual([
      { id: 1, name: "a3" },
      { id: 2, name: "b" },
      { id: 3, name: "c2" },
    ]);
    expect(await rows(`select _parent_key, s from rides__stops order by all`)).toEqual([{ _parent_key: "1", s: "r" }]);
    expect(await rows(`select value from rides__stops__legs`)).toEqual([]);
    expect(result.tables.find((t) => t.name === "rides")).toMatchObject({ rows: 3, loadedRows: 3 });
    expect(await tableNames()).toEqual(tables);
  });

  it("merge on a composite key", async () => {
    const options = { writeDisposition: "merge", primaryKey: ["region", "id"] } as const;
    await load([[{ region: "eu", id: 1, v: 1 }, { region: "us", id: 1, v: 2 }]], options);
    await load([[{ region: "us", id: 1, v: 3 }]], options);
    expect(await rows(`select region, id, v from rides order by all`)).toEqual([
      { region: "eu", id: 1, v: 1 },
      { region: "us", id: 1, v: 3 },
    ]);
  });

  it("append adds rows to the root and child tables", async () => {
    await load(pages, { writeDisposition: "append", primaryKey: "id" });
    await load([pages[1] ?? []], { writeDisposition: "append", primaryKey: "id" });
    expect(await rows(`select id from rides order by all`)).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }, { id: 3 }]);
    expect(await rows(`select count(*)::int as n from rides__stops`)).toEqual([{ n: 5 }]);
  });

  it("replace puts the new rows in place and empties child tables the run did not fill", async () => {
    await load(pages, { writeDisposition: "replace", primaryKey: "id" });
    await load([[{ id: 9, name: "z", stops: [] }]], { writeDisposition: "replace", primaryKey: "id" });
    expect(await rows(`select id, name from rides`)).toEqual([{ id: 9, name: "z" }]);
    expect(await rows(`select count(*)::int as n from rides__stops`)).toEqual([{ n: 0 }]);
    expect(await rows(`select count(*)::int as n from rides__stops__legs`)).toEqual([{ n: 0 }]);
  });
});

describe("incremental loads and atomicity", () => {
  it("stores the largest cursor with the data and never moves it back", async () => {
    const options = { writeDisposition: "merge", primaryKey: "id", cursorField: "meta.updated" } as const;
    const result = await load(
      [
        [{ id: 1, meta: { updated: "2024-05-01T10:00:00Z" } }, { id: 2, meta: { updated: "2024-05-01T10:30:00-01:00" } }],
        [{ id: 3, meta: { updated: "2024-05-01T11:00:00Z" } }],
      ],
      options,
    );
    // 10:30-01:00 is 11:30Z: later than 11:00Z although it sorts first as text.
    expect(result.cursor).toBe("2024-05-01T10:30:00-01:00");
    expect(await readCursor(warehouse, "rides")).toBe("2024-05-01T10:30:00-01:00");
    await load([[{ id: 1, meta: { updated: "2024-04-01T00:00:00Z" } }]], options);
    expect(await readCursor(warehouse, "rides")).toBe("2024-05-01T10:30:00-01:00");
  });

  it("a failure on page 3 leaves tables and cursor as they were and no staging tables behind", async () => {
    const options = { writeDisposition: "append", primaryKey: "id", cursorField: "n", contract: { columns: "freeze" } } as const;
    await load([[{ id: 1, n: 1, tags: ["a"] }]], options);
    const before = await snapshot(["rides", "rides__tags"]);
    const failing = load([[{ id: 2, n: 2, tags: ["b"] }], [{ id: 3, n: 3 }], [{ id: 4, n: 4, extra: true }]], options);
    await expect(failing).rejects.toThrow('new column "extra" (sample value true) but columns is freeze');
    expect(await snapshot(["rides", "rides__tags"])).toEqual(before);
    expect(await readCursor(warehouse, "rides")).toBe(1);
    expect(await tableNames()).toEqual(["rides", "rides__tags"]);
  });

  it("cleans the staging tables a killed run left behind", async () => {
    const killed = await ExtractLoader.open(warehouse, { asset: "rides", writeDisposition: "merge", primaryKey: "id" });
    await killed.loadPage([{ id: 1, tags: ["a"] }]);
    expect(await tableNames()).toEqual(["_ab_new__rides", "_ab_new__rides__tags"]);
    await load([[{ id: 2 }]], { writeDisposition: "merge", primaryKey: "id" });
    expect(await tableNames()).toEqual(["rides"]);
  });

  it("names the record that lacks its primary key", async () => {
    await expect(load([[{ id: 1 }, { name: "x" }]], { writeDisposition: "merge", primaryKey: "id" })).rejects.toThrow(
      'cell "rides": record 2 has no value for primary key "id"',
    );
  });
});
