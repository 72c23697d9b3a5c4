// readFilePages -> loadExtract into a real, locked DuckDB warehouse on the same data directory.
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../../warehouse/duckdb-node";
import type { Warehouse } from "../../warehouse/types";
import { loadExtract } from "../load";
import { readFilePages } from "./read-file-pages";
import { makeWorkspace, type Workspace } from "./test-helpers";

let ws: Workspace;
let warehouse: Warehouse;
beforeEach(async () => {
  ws = makeWorkspace();
  warehouse = await openDuckDbWarehouse({ path: path.join(ws.root, "wh.duckdb"), dataDir: ws.dataDir });
});
afterEach(async () => {
  await warehouse.close();
  ws.cleanup();
});

const columnTypes = async (table: string) =>
  Object.fromEntries(((await warehouse.describe(table)) ?? []).map((column) => [column.name, column.type]));

it("loads a CSV in several pages into a snake_case table, and replace swaps it whole", async () => {
  const header = "Miles_per_Gallon,Name,Year,Weight_in_lbs\n";
  const rows = ["18,chevrolet chevelle malibu,1970-01-01,3504", "15,buick skylark 320,1970-01-01,3693", ",plymouth satellite,1970-01-01,3436"];
  ws.write("cars.csv", header + rows.join("\n") + "\n");

  const result = await loadExtract(warehouse, readFilePages(ws.dataDir, { path: "cars.csv" }, { pageSize: 2 }), {
    asset: "cars",
    writeDisposition: "replace",
  });
  expect(result.records).toEqual({ loaded: 3, discarded: 0 });
  // The loader keeps the file's own column names beside the normalized ones.
  expect(result.names.cars).toMatchObject({ miles_per_gallon: "Miles_per_Gallon", weight_in_lbs: "Weight_in_lbs" });
  expect(await columnTypes("cars")).toMatchObject({
    miles_per_gallon: "BIGINT",
    name: "VARCHAR",
    year: "DATE",
    weight_in_lbs: "BIGINT",
  });
  expect(await warehouse.query(`SELECT count(*) AS n, count(miles_per_gallon) AS mpg FROM cars`)).toEqual([{ n: 3, mpg: 2 }]);

  ws.write("cars.csv", header + rows[0] + "\n");
  await loadExtract(warehouse, readFilePages(ws.dataDir, { path: "cars.csv" }), { asset: "cars", writeDisposition: "replace" });
  expect(await warehouse.query(`SELECT name FROM cars`)).toEqual([{ name: "chevrolet chevelle malibu" }]);
});

it("loads NDJSON with a nested list into a root table and a child table", async () => {
  ws.write("rides.ndjson", ['{"Ride Id":1,"startedAt":"2024-05-01T07:00:00Z","laps":[{"n":1},{"n":2}]}', '{"Ride Id":2,"startedAt":"2024-05-02T07:00:00Z","laps":[]}'].join("\n"));
  const result = await loadExtract(warehouse, readFilePages(ws.dataDir, { path: "rides.ndjson" }, { pageSize: 1 }), {
    asset: "rides",
    writeDisposition: "replace",
  });
  expect(result.records.loaded).toBe(2);
  expect(await columnTypes("rides")).toMatchObject({ ride_id: "BIGINT", started_at: "TIMESTAMP" });
  expect(await warehouse.query(`SELECT count(*) AS n FROM rides__laps`)).toEqual([{ n: 2 }]);
});

it("writes nothing when the file fails part-way", async () => {
  ws.write("e.ndjson", '{"id":1}\n{"id":2}\n{"id":\n');
  await expect(
    loadExtract(warehouse, readFilePages(ws.dataDir, { path: "e.ndjson" }, { pageSize: 1 }), { asset: "e", writeDisposition: "replace" }),
  ).rejects.toThrow('"e.ndjson" line 3: malformed JSON');
  expect(await warehouse.describe("e")).toBeNull();
});
