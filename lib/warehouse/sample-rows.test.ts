import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { openDuckDbWarehouse } from "./duckdb-node";
import { openPostgresWarehouse } from "./postgres";
import { cellText, readProductionSample, readSampleRowsFrom, SAMPLE_COLUMNS, SAMPLE_TOTAL_CHARS, SAMPLE_VALUE_CHARS, VALUE_CUT, type SampleRows } from "./sample-rows";

describe("sample cell text", () => {
  it("shows dates, floats, bigints and nested values readably", () => {
    expect(cellText(new Date("2024-01-01T00:00:00Z"))).toBe("2024-01-01");
    expect(cellText(new Date("2024-01-01T10:30:00Z"))).toBe("2024-01-01 10:30:00Z");
    expect(cellText(4449.8099999999995)).toBe("4449.81");
    expect(cellText(12n)).toBe("12");
    expect(cellText({ a: 1n })).toBe('{"a":"1"}');
    expect(cellText(null)).toBe("");
  });
});

describe("sample rows through an open warehouse", () => {
  it("reads columns in table order and at most `limit` rows; null for a missing table", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await warehouse.exec("create table t as select i as id, 'x' || i as name, date '2024-01-01' as day from range(5) r(i)");
      expect(await readSampleRowsFrom(warehouse, "t", 2)).toEqual({ columns: ["id", "name", "day"], rows: [["0", "x0", "2024-01-01"], ["1", "x1", "2024-01-01"]], hiddenColumns: 0, truncated: false });
      expect(await readSampleRowsFrom(warehouse, "missing")).toBeNull();
    } finally {
      await warehouse.close();
    }
  });
});

describe("sample rows from the configured production warehouse", () => {
  it("reads a DuckDB file read-only, and null when the file or the table is absent", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-sample-"));
    try {
      const file = path.join(dir, "warehouse.duckdb");
      expect(await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `duckdb:${file}` }).warehouse, "t")).toBeNull();
      const warehouse = await openDuckDbWarehouse({ path: file });
      await warehouse.exec("create table t as select 1 as id");
      await warehouse.close();
      expect(await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `duckdb:${file}` }).warehouse, "t")).toEqual({ columns: ["id"], rows: [["1"]], hiddenColumns: 0, truncated: false });
      expect(await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: file }).warehouse, "missing")).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  // Team mode as the README documents it: ASSETBOOK_WAREHOUSE=postgres:<url>. The app used to read it as a file path.
  it.runIf(adminUrl !== undefined)("reads PostgreSQL when ASSETBOOK_WAREHOUSE is postgres:<url>", async () => {
    const databases = pgDatabases("sample_rows");
    try {
      const url = await databases.fresh();
      const warehouse = await openPostgresWarehouse({ connectionString: url });
      await warehouse.exec("create table orders as select g as id, 'o' || g as code from generate_series(1, 3) g");
      await warehouse.close();
      const sample = await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `postgres:${url}` }).warehouse, "orders", 2);
      expect(sample).toEqual({ columns: ["id", "code"], rows: [["1", "o1"], ["2", "o2"]], hiddenColumns: 0, truncated: false });
    } finally {
      await databases.dropAll();
    }
  });
});

// An asset page once rendered 738 MB of HTML: one sample value was that large.
describe("a sample stays small whatever the table holds", () => {
  /** 100 MB in one cell, beside values of every shape; and more columns than are shown. */
  const BIG = 100_000_000;
  const createSql = `create table wide as select
      i as id,
      repeat('x', ${BIG}) as huge,
      'short' as small,
      [repeat('y', 1000)] as list,
      {'k': repeat('z', 1000)} as nested,
      12.5::double as amount,
      date '2024-01-01' + i::int as day,
      ${Array.from({ length: SAMPLE_COLUMNS }, (_, i) => `${i} as extra_${i}`).join(", ")}
    from range(2) r(i)`;

  function expectCut(sample: SampleRows | null): void {
    if (sample === null) throw new Error("no sample");
    expect(sample.columns).toHaveLength(SAMPLE_COLUMNS);
    expect(sample.columns.slice(0, 7)).toEqual(["id", "huge", "small", "list", "nested", "amount", "day"]);
    expect(sample.hiddenColumns).toBe(7);
    expect(sample.truncated).toBe(true);
    const [first] = sample.rows;
    expect(first?.slice(0, 7)).toEqual(["0", `${"x".repeat(SAMPLE_VALUE_CHARS)}${VALUE_CUT}`, "short", `[${"y".repeat(SAMPLE_VALUE_CHARS - 1)}${VALUE_CUT}`, `{'k': ${"z".repeat(SAMPLE_VALUE_CHARS - 6)}${VALUE_CUT}`, "12.5", "2024-01-01"]);
    expect(sample.rows).toHaveLength(2);
    for (const row of sample.rows) for (const value of row) expect(value.length).toBeLessThanOrEqual(SAMPLE_VALUE_CHARS + VALUE_CUT.length);
  }

  it("through an open warehouse: each value is cut by the warehouse, columns past the first ones are counted", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await warehouse.exec(createSql);
      expectCut(await readSampleRowsFrom(warehouse, "wide", 10));
    } finally {
      await warehouse.close();
    }
  });

  it("from the DuckDB file, read-only", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-sample-"));
    try {
      const file = path.join(dir, "warehouse.duckdb");
      const warehouse = await openDuckDbWarehouse({ path: file });
      await warehouse.exec(createSql);
      await warehouse.close();
      expectCut(await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `duckdb:${file}` }).warehouse, "wide", 10));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rows past the sample's total size are left out", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await warehouse.exec(`create table long_rows as select ${Array.from({ length: SAMPLE_COLUMNS }, (_, i) => `repeat('v', 500) as c${i}`).join(", ")} from range(100)`);
      const sample = await readSampleRowsFrom(warehouse, "long_rows", 100);
      const perRow = SAMPLE_COLUMNS * (SAMPLE_VALUE_CHARS + VALUE_CUT.length);
      expect(sample?.rows).toHaveLength(Math.floor(SAMPLE_TOTAL_CHARS / perRow));
      expect(sample?.truncated).toBe(true);
    } finally {
      await warehouse.close();
    }
  });

  it.runIf(adminUrl !== undefined)("on PostgreSQL too", async () => {
    const databases = pgDatabases("sample_cut");
    try {
      const url = await databases.fresh();
      const warehouse = await openPostgresWarehouse({ connectionString: url });
      await warehouse.exec(`create table big as select 1 as id, repeat('x', 50000000) as huge, jsonb_build_object('k', repeat('z', 1000)) as doc, 12.5::numeric as amount`);
      await warehouse.close();
      const sample = await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `postgres:${url}` }).warehouse, "big", 10);
      expect(sample).toEqual({
        columns: ["id", "huge", "doc", "amount"],
        rows: [["1", `${"x".repeat(SAMPLE_VALUE_CHARS)}${VALUE_CUT}`, `{"k": "${"z".repeat(SAMPLE_VALUE_CHARS - 7)}${VALUE_CUT}`, "12.5"]],
        hiddenColumns: 0,
        truncated: true,
      });
    } finally {
      await databases.dropAll();
    }
  });
});
