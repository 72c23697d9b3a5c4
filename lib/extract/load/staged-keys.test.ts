import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import type { FileReader, Warehouse } from "../../warehouse/types";
import { makeWorkspace, type Workspace } from "../file/test-helpers";
import { distinctKeys, keysRepeatIn } from "./staged-keys";

let ws: Workspace;
let warehouse: Warehouse;
let reader: FileReader;
const queries: string[] = [];

beforeAll(async () => {
  ws = makeWorkspace();
  const opened = await openDuckDbWarehouse({ path: path.join(ws.root, "keys.duckdb"), dataDir: ws.dataDir });
  if (opened.files === undefined) throw new Error("a file-backed DuckDB warehouse reads files");
  reader = opened.files;
  warehouse = { ...opened, query: (sql) => (queries.push(sql), opened.query(sql)) };
  // 200 keys that fall and rise in turn (i * 37 mod 200 visits each once), a pair key beside them.
  await warehouse.exec(`CREATE TABLE shuffled AS SELECT (i * 37) % 200 AS id, i % 7 AS a, i % 11 AS b FROM range(200) r(i)`);
  await warehouse.exec(`CREATE TABLE repeated AS SELECT * FROM shuffled UNION ALL SELECT 123, 0, 0`);
  await warehouse.exec(`CREATE TABLE rising AS SELECT i AS id FROM range(200) r(i) ORDER BY i`);
});

afterAll(async () => {
  await warehouse.close();
  ws.cleanup();
});

describe("a merge's staged keys", () => {
  it("counts the distinct keys a bucket at a time, to the whole's count", async () => {
    for (const [table, key] of [
      ["shuffled", "(id)"],
      ["repeated", "(id)"],
      ["shuffled", "(a, b)"],
    ] as const) {
      const [whole] = await warehouse.query(`SELECT count(DISTINCT ${key}) AS keys FROM ${table}`);
      queries.length = 0;
      const rows = table === "repeated" ? 201 : 200;
      expect(await distinctKeys(warehouse, reader, table, key, rows, 30), `${table} ${key}`).toBe(Number(whole?.keys));
      expect(queries, "seven passes, one per 30 rows").toHaveLength(7);
    }
  });

  it("finds a repeat among keys that do not rise, and none where they rise or are distinct", async () => {
    expect(await keysRepeatIn(warehouse, reader, "repeated", ["id"], 201)).toBe(true);
    expect(await keysRepeatIn(warehouse, reader, "shuffled", ["id"], 200)).toBe(false);
    expect(await keysRepeatIn(warehouse, reader, "shuffled", ["a", "b"], 200)).toBe(true);
    queries.length = 0;
    expect(await keysRepeatIn(warehouse, reader, "rising", ["id"], 200)).toBe(false);
    expect(queries, "rising keys: one streaming pass, nothing counted").toHaveLength(1);
    expect(await keysRepeatIn(warehouse, reader, "rising", ["id", undefined], 200), "a key column not found").toBe(true);
  });
});
