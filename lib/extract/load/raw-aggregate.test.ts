import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import type { RawTable, Warehouse } from "../../warehouse/types";
import { aggregate, type Aggregate } from "./raw-aggregate";

let dir: string;
let warehouse: Warehouse;
let queries: string[];
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-aggregate-"));
  const opened = await openDuckDbWarehouse({ path: path.join(dir, "wh.duckdb"), dataDir: dir });
  queries = [];
  warehouse = { ...opened, query: (sql) => (queries.push(sql), opened.query(sql)) };
  await warehouse.exec(`CREATE TABLE a AS SELECT * FROM (VALUES (0, 5, 'x'), (1, NULL, 'y')) t(pos, v, s)`);
  await warehouse.exec(`CREATE TABLE b AS SELECT * FROM (VALUES (2, 3, NULL), (3, -1, 'z')) t(pos, v, s)`);
  await warehouse.exec(`CREATE TABLE c AS SELECT * FROM (VALUES (4, NULL, NULL)) t(pos, v, s)`);
});
afterEach(async () => {
  await warehouse.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const table = (sql: string): RawTable => ({ sql, position: "pos", rows: 0, columns: [], temporary: true });

const items: Aggregate[] = [
  { alias: "rows", sql: "count(*)", merge: "sum" },
  { alias: "values", sql: "count(v)", merge: "sum" },
  { alias: "first_value", sql: "min(CASE WHEN v IS NOT NULL THEN pos END)", merge: "min" },
  { alias: "first_text", sql: "min(CASE WHEN s IS NOT NULL THEN pos END)", merge: "min" },
  { alias: "positive", sql: "bool_and(v > 0)", merge: "and" },
  { alias: "never", sql: "min(CASE WHEN v > 100 THEN pos END)", merge: "min" },
];

describe("aggregates over a relation in parts", () => {
  it("merges the parts' values into those of one query over them all: sums, minimums, and-ed flags, NULLs where no row has a value", async () => {
    const union = table("(SELECT * FROM a UNION ALL SELECT * FROM b UNION ALL SELECT * FROM c)");
    const whole = await aggregate(warehouse, union, items);
    const parted = await aggregate(warehouse, { ...union, parts: [table("a"), table("b"), table("c")] }, items);
    expect(parted).toEqual(whole);
    expect(parted).toEqual({ rows: 5, values: 3, first_value: 0, first_text: 0, positive: false, never: null });
    // A part whose values are all NULL leaves the others' flags as they are.
    expect(await aggregate(warehouse, { ...union, parts: [table("a"), table("c")] }, items)).toEqual({ rows: 3, values: 1, first_value: 0, first_text: 0, positive: true, never: null });
  });

  it("keeps a part's values: what was asked ahead is not asked again, and what is new is asked in one query", async () => {
    const a = table("a");
    const b = table("b");
    await aggregate(warehouse, a, items.slice(0, 3));
    expect(queries).toHaveLength(1);
    const whole = { ...table("(SELECT * FROM a UNION ALL SELECT * FROM b)"), parts: [a, b] };
    expect(await aggregate(warehouse, whole, items)).toMatchObject({ rows: 4, values: 3, positive: false });
    // a: the three items it lacked; b: all six. Nothing more on a second ask.
    expect(queries).toHaveLength(3);
    await aggregate(warehouse, whole, items);
    expect(queries).toHaveLength(3);
  });

  it("gives a failed part's error to whoever asks, and leaves no rejection unhandled before that", async () => {
    const broken = table("no_such_table");
    const first = aggregate(warehouse, broken, items);
    await expect(first).rejects.toThrow(/no_such_table/);
    await expect(aggregate(warehouse, { ...table("a"), parts: [table("a"), broken] }, items)).rejects.toThrow(/no_such_table/);
  });
});
