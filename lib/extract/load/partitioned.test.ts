// Extract loads in a partitioned run and staging names per run attempt, on DuckDB and on
// PostgreSQL (when TEST_DATABASE_URL is set): each disposition reads and replaces only its
// partition's rows, and an attempt cleans only its own and older attempts' staging tables.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminUrl, pgDatabases } from "../../queue/test-pg";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../../warehouse/postgres";
import type { Warehouse } from "../../warehouse/types";
import { readCursor } from "./incremental";
import { loadExtract } from "./load-extract";
import { ExtractLoader } from "./loader";
import type { ExtractLoadOptions } from "./load-options";
import { dropLeftoverStaging, stageTableFor } from "./staging";

const dbs = pgDatabases("ab_extract_part");
if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: partitioned extract loads are tested on DuckDB only");
afterAll(() => dbs.dropAll());

const backends: { name: string; open: (dir: string) => Promise<Warehouse> }[] = [
  { name: "duckdb", open: (dir) => openDuckDbWarehouse({ path: path.join(dir, "wh.duckdb"), dataDir: dir }) },
  ...(adminUrl ? [{ name: "postgres", open: async () => openPostgresWarehouse({ connectionString: await dbs.fresh() }) }] : []),
];

describe.each(backends)("partitioned extract loads on $name", (backend) => {
  let dir: string;
  let warehouse: Warehouse;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-extract-part-"));
    warehouse = await backend.open(dir);
  });
  afterEach(async () => {
    await warehouse.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const at = (key: string, options: Partial<ExtractLoadOptions> = {}) => ({ asset: "rides", partition: { column: "_partition", key }, ...options });
  const load = (key: string, records: unknown[], options: Partial<ExtractLoadOptions>) => loadExtract(warehouse, [records], at(key, options));
  const rows = async (sql: string) => (await warehouse.query(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
  const tables = async () =>
    (await warehouse.query("select table_name from information_schema.tables where table_schema = current_schema() order by 1")).map((r) => String(r.table_name));

  it("replace: a run replaces its partition's rows, child tables included, and leaves the others", async () => {
    await load("2024-01-16", [{ id: 1, laps: [{ n: 1 }, { n: 2 }] }, { id: 2, laps: [] }], { writeDisposition: "replace", primaryKey: "id" });
    await load("2024-01-17", [{ id: 3, laps: [{ n: 1 }] }], { writeDisposition: "replace", primaryKey: "id" });
    const again = await load("2024-01-16", [{ id: 4, speed: 1.5 }], { writeDisposition: "replace", primaryKey: "id" });

    expect(await rows("select id, speed, _partition from rides order by id")).toEqual([
      { id: 3, speed: null, _partition: "2024-01-17" },
      { id: 4, speed: 1.5, _partition: "2024-01-16" },
    ]);
    // the partition's list rows went with it; the other partition's stayed
    expect(await rows("select _parent_key, n, _partition from rides__laps order by 1, 2")).toEqual([{ _parent_key: "3", n: 1, _partition: "2024-01-17" }]);
    expect(again.tables.map((t) => [t.name, t.rows])).toEqual(expect.arrayContaining([["rides", 1]]));
    expect(await tables()).toEqual(["rides", "rides__laps"]);
  });

  it("append: a run adds to its partition's rows; a wider value widens the shared column", async () => {
    await load("a", [{ id: 1, v: 1 }], { writeDisposition: "append" });
    await load("b", [{ id: 2, v: 2 }], { writeDisposition: "append" });
    const result = await load("a", [{ id: 3, v: 2.5 }], { writeDisposition: "append" });
    expect(await rows("select id, v, _partition from rides order by id")).toEqual([
      { id: 1, v: 1, _partition: "a" },
      { id: 2, v: 2, _partition: "b" },
      { id: 3, v: 2.5, _partition: "a" },
    ]);
    expect(result.tables.find((t) => t.name === "rides")?.rows).toBe(2);
  });

  it("merge: a run upserts on the primary key within its partition", async () => {
    await load("a", [{ id: 1, v: 1, tags: ["x"] }, { id: 2, v: 1, tags: ["y"] }], { writeDisposition: "merge", primaryKey: "id" });
    await load("b", [{ id: 1, v: 5, tags: ["z"] }], { writeDisposition: "merge", primaryKey: "id" });
    await load("a", [{ id: 2, v: 2, tags: ["w"] }], { writeDisposition: "merge", primaryKey: "id" });
    expect(await rows("select id, v, _partition from rides order by _partition, id")).toEqual([
      { id: 1, v: 1, _partition: "a" },
      { id: 2, v: 2, _partition: "a" },
      { id: 1, v: 5, _partition: "b" },
    ]);
    expect(await rows("select _parent_key, value, _partition from rides__tags order by _partition, _parent_key")).toEqual([
      { _parent_key: "1", value: "x", _partition: "a" },
      { _parent_key: "2", value: "w", _partition: "a" },
      { _parent_key: "1", value: "z", _partition: "b" },
    ]);
  });

  it("keeps one incremental cursor per partition", async () => {
    await load("a", [{ id: 1, at: "2024-01-16T10:00:00Z" }], { writeDisposition: "append", cursorField: "at" });
    await load("b", [{ id: 2, at: "2024-01-17T10:00:00Z" }], { writeDisposition: "append", cursorField: "at" });
    expect(await readCursor(warehouse, "rides", "a")).toBe("2024-01-16T10:00:00Z");
    expect(await readCursor(warehouse, "rides", "b")).toBe("2024-01-17T10:00:00Z");
    expect(await readCursor(warehouse, "rides")).toBeUndefined();
  });

  it("names staging tables per attempt and partition; an attempt drops only its own and older ones", async () => {
    const scope = (attempt: number, partition: string | null) => ({ attempt, partition });
    expect(stageTableFor("rides__laps", scope(2, "2024-01-17"))).toBe("_ab_stage__rides__laps__a2__p_2024_01_17");
    expect(stageTableFor("rides", scope(1, null))).toBe("_ab_stage__rides__a1");

    // a live attempt 3, another partition's attempt 1, and a late attempt 1 of partition a that
    // starts after them (a frozen worker resuming): it leaves the newer attempt's tables alone
    const newer = await ExtractLoader.open(warehouse, at("a", { writeDisposition: "replace", staging: scope(3, "a") }));
    await newer.loadPage([{ id: 1 }]);
    const other = await ExtractLoader.open(warehouse, at("b", { writeDisposition: "replace", staging: scope(1, "b") }));
    await other.loadPage([{ id: 9 }]);
    const late = await ExtractLoader.open(warehouse, at("a", { writeDisposition: "merge", primaryKey: "id", staging: scope(1, "a") }));
    await late.loadPage([{ id: 1, tags: ["x"] }]);
    expect(await tables()).toEqual(["_ab_new__rides__a1__p_a", "_ab_new__rides__tags__a1__p_a", "_ab_stage__rides__a1__p_b", "_ab_stage__rides__a3__p_a"]);

    expect((await dropLeftoverStaging(warehouse, "rides", scope(2, "a"))).sort()).toEqual(["_ab_new__rides__a1__p_a", "_ab_new__rides__tags__a1__p_a"]);
    expect(await tables()).toEqual(["_ab_stage__rides__a1__p_b", "_ab_stage__rides__a3__p_a"]);

    // attempt 2 runs to the end beside them: its swap leaves no table of its own behind
    await loadExtract(warehouse, [[{ id: 5 }]], at("a", { writeDisposition: "append", staging: scope(2, "a") }));
    expect(await tables()).toEqual(["_ab_stage__rides__a1__p_b", "_ab_stage__rides__a3__p_a", "rides"]);
    await newer.abort();
    await other.abort();
    expect(await tables()).toEqual(["rides"]);
  });
});
