import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { openDuckDbWarehouse } from "./duckdb-node";
import { openPostgresWarehouse } from "./postgres";
import { cellText, readProductionSample, readSampleRowsFrom } from "./sample-rows";

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
      expect(await readSampleRowsFrom(warehouse, "t", 2)).toEqual({ columns: ["id", "name", "day"], rows: [["0", "x0", "2024-01-01"], ["1", "x1", "2024-01-01"]] });
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
      expect(await readProductionSample(parseConfig({ ASSETBOOK_WAREHOUSE: `duckdb:${file}` }).warehouse, "t")).toEqual({ columns: ["id"], rows: [["1"]] });
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
      expect(sample).toEqual({ columns: ["id", "code"], rows: [["1", "o1"], ["2", "o2"]] });
    } finally {
      await databases.dropAll();
    }
  });
});
