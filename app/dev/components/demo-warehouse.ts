"use client";
// DEMO ONLY: a DuckDB-WASM warehouse with a generated 1M-row table, for exercising the
// preview table. The notebook page opens its own (app/_lib/browser-duckdb.ts).
import * as duckdb from "@duckdb/duckdb-wasm";
import { createWasmWarehouse, wasmConnectionFromAsync } from "@/lib/warehouse/duckdb-wasm";
import type { Column, Warehouse } from "@/lib/warehouse/types";

export const DEMO_ROWS = 1_000_000;

const CREATE_DEMO = `
create or replace table demo as
select
  i::BIGINT as id,
  DATE '2024-01-01' + (i % 366)::INTEGER as day,
  ['run', 'ride', 'swim', 'walk', 'hike'][(hash(i) % 5)::INTEGER + 1] as sport,
  case when i % 13 = 0 then null else round((hash(i) % 1000) / 50.0 + (hash(i * 3) % 1000) / 50.0, 2) end as distance_km,
  ((hash(i * 7) % 5400) + 300)::INTEGER as moving_time_s,
  i % 3 = 0 as commute,
  'athlete_' || lpad(((hash(i * 11) % 997))::VARCHAR, 3, '0') as athlete
from range(${DEMO_ROWS}) t(i)`;

export interface DemoWarehouse {
  warehouse: Warehouse;
  columns: Column[];
  rowCount: number;
}

export async function openDemoWarehouse(): Promise<DemoWarehouse> {
  const worker = new Worker(new URL("@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js", import.meta.url));
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(new URL("@duckdb/duckdb-wasm/dist/duckdb-eh.wasm", import.meta.url).toString());
  const connection = await db.connect();
  const warehouse = createWasmWarehouse(wasmConnectionFromAsync(connection));
  await warehouse.exec(CREATE_DEMO);
  const columns = (await warehouse.describe("demo")) ?? [];
  return { warehouse, columns, rowCount: DEMO_ROWS };
}
