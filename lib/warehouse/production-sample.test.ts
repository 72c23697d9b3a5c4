// The editor's sample of a production table, on a real DuckDB warehouse: the rows it sends,
// the limits, and what it refuses (the lifecycle's schemas, other schemas, tables that are
// not assets, SQL in the name), each error naming the table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadPreviewIntoWarehouse } from "../extract/preview-load";
import { openDuckDbWarehouse } from "./duckdb-node";
import { DEFAULT_PRODUCTION_SAMPLE_ROWS, sampleProductionTable, type ProductionSampleRequest } from "./production-sample";
import type { Warehouse } from "./types";

const ASSETS = new Set(["orders", "customers", "served", "empty", "never_built", "slow"]);
const isAsset = (name: string) => ASSETS.has(name);

let production: Warehouse;

beforeAll(async () => {
  production = await openDuckDbWarehouse({ path: ":memory:" });
  await production.exec(`
    create table orders as
      select i as order_id, 1 + i % 500 as customer_id, timestamp '2024-01-01 00:00:00' + to_minutes(i) as ordered_at,
             round(5 + i / 100.0, 2) as amount, date '2024-01-01' + cast(i % 365 as integer) as day, 'note ' || i as note
      from range(1, 25001) t(i);
    create table customers as select i as customer_id, ['retail', 'online'][1 + i % 2] as segment from range(1, 501) t(i);
    create table empty (id bigint);
    create table not_an_asset as select 42 as secret;
    -- production serves promoted assets as views over versioned tables in the lifecycle's schema
    create schema _assetbook_v;
    create table _assetbook_v.served__v1 as select i as id from range(3) t(i);
    create view served as select * from _assetbook_v.served__v1;
    create schema if not exists _assetbook;
    create or replace table _assetbook.lc_assets as select 'production' as env;
    create schema env__feature;
    create view env__feature.orders as select * from main.orders;
    -- a query that would scan for minutes: only an interrupt ends it early
    create view slow as select r.range as id from range(10000000000) r where hash(r.range) = 0;
    create schema raw;
    create table raw.events as select 1 as id;
  `);
});

afterAll(() => production.close());

const sample = (table: string, more: Partial<ProductionSampleRequest> = {}) => sampleProductionTable(production, { table, isAsset, ...more });

/** Loads an answer into a second warehouse, as the browser does, and reads it back. */
async function loaded(ipc: Uint8Array, table: string) {
  const browser = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    await loadPreviewIntoWarehouse(browser, table, ipc);
    const [count] = await browser.query(`select count(*) as n from ${table}`);
    return { rows: Number(count?.n), columns: await browser.describe(table), first: (await browser.query(`select * from ${table} order by 1 limit 1`))[0] };
  } finally {
    await browser.close();
  }
}

describe("a sample of a production table", () => {
  it("sends the first 10,000 rows by default, and says production has more", async () => {
    const result = await sample("orders");
    expect(result).toMatchObject({ ok: true, table: "orders", rows: DEFAULT_PRODUCTION_SAMPLE_ROWS, sampled: true });
    if (!result.ok) return;
    const back = await loaded(result.ipc, "orders");
    expect(back.rows).toBe(10_000);
    expect(back.columns?.map((c) => [c.name, c.type])).toEqual([
      ["order_id", "BIGINT"],
      ["customer_id", "BIGINT"],
      ["ordered_at", "TIMESTAMP"],
      ["amount", "DOUBLE"],
      ["day", "DATE"],
      ["note", "VARCHAR"],
    ]);
    expect(back.first).toMatchObject({ order_id: 1, customer_id: 2, amount: 5.01, note: "note 1" });
  });

  it("sends what the caller asks for, capped, and a whole small table as it is", async () => {
    expect(await sample("orders", { rows: 5 })).toMatchObject({ ok: true, rows: 5, sampled: true });
    expect(await sample("orders", { rows: 1_000_000 })).toMatchObject({ ok: true, rows: 25_000, sampled: false });
    expect(await sample("customers")).toMatchObject({ ok: true, rows: 500, sampled: false });
    expect(await sample("empty")).toMatchObject({ ok: true, rows: 0, sampled: false });
    // Qualified with production's own schema, and a view production serves, read like a table.
    expect(await sample("main.customers", { rows: 2 })).toMatchObject({ ok: true, table: "customers", rows: 2 });
    expect(await sample("served")).toMatchObject({ ok: true, table: "served", rows: 3, sampled: false });
  });

  it("leaves out rows past the byte limit, and refuses a row larger than it", async () => {
    const whole = await sample("orders", { rows: 2_000 });
    if (!whole.ok) throw new Error(whole.error);
    const capped = await sample("orders", { rows: 2_000, maxBytes: Math.floor(whole.ipc.byteLength / 2) });
    if (!capped.ok) throw new Error(capped.error);
    expect(capped.ipc.byteLength).toBeLessThanOrEqual(whole.ipc.byteLength / 2);
    expect(capped.rows).toBeGreaterThan(100);
    expect(capped.rows).toBeLessThan(1_000);
    expect(capped.sampled).toBe(true);
    expect((await loaded(capped.ipc, "orders")).rows).toBe(capped.rows);

    expect(await sample("orders", { maxBytes: 100 })).toEqual({ ok: false, reason: "too_large", table: "orders", error: 'table "orders": one row is larger than the 100 bytes a sample from production may hold' });
  });

  it("refuses the lifecycle's internal schemas, whatever the table", async () => {
    for (const table of ["_assetbook.lc_assets", "_assetbook_v.served__v1", "env__feature.orders", "ENV__feature.orders", "memory._assetbook.lc_assets"]) {
      const result = await sample(table, { isAsset: () => true });
      expect(result).toMatchObject({ ok: false, reason: "refused", table });
      if (!result.ok) expect(result.error).toContain(`table "${table}" is in the lifecycle's internal schema`);
    }
  });

  it("refuses another schema than production's", async () => {
    expect(await sample("raw.events", { isAsset: () => true })).toEqual({
      ok: false,
      reason: "refused",
      table: "raw.events",
      error: `table "raw.events" is not in production's schema "main": only the workspace's assets can be read from production`,
    });
  });

  it("refuses a table that is not an asset, without saying whether it exists", async () => {
    const message = (table: string) => `table "${table}" is not an asset in the workspace's catalog: only tables production's notebooks produce can be read (a notebook never promoted has none)`;
    expect(await sample("not_an_asset")).toEqual({ ok: false, reason: "unknown", table: "not_an_asset", error: message("not_an_asset") });
    expect(await sample("nowhere")).toEqual({ ok: false, reason: "unknown", table: "nowhere", error: message("nowhere") });
  });

  it("says an asset production has no table for has not been materialized yet", async () => {
    expect(await sample("never_built")).toEqual({ ok: false, reason: "not_materialized", table: "never_built", error: 'table "never_built" has not been materialized in production yet' });
  });

  it("takes a name, never SQL", async () => {
    for (const table of ["orders; drop table orders", 'orders" --', "", "a.b.c.d", "orders limit 1"]) {
      const result = await sample(table, { isAsset: () => true });
      expect(result).toMatchObject({ ok: false, reason: "invalid", table });
      if (!result.ok) expect(result.error).toBe(`"${table}" is not a table name`);
    }
    expect(await production.describe("orders")).not.toBeNull();
  });

  it("stops when the request went away", async () => {
    const controller = new AbortController();
    controller.abort("the client disconnected");
    expect(await sample("orders", { signal: controller.signal })).toEqual({
      ok: false,
      reason: "interrupted",
      table: "orders",
      error: 'reading table "orders" from production was stopped: the request went away',
    });

    // A query in flight is interrupted when the signal aborts, not left holding the warehouse.
    const late = new AbortController();
    const started = Date.now();
    const running = sample("slow", { signal: late.signal });
    setTimeout(() => late.abort("the client disconnected"), 300);
    expect(await running).toMatchObject({ ok: false, reason: "interrupted", table: "slow" });
    expect(Date.now() - started).toBeLessThan(10_000);
    // The warehouse itself is untouched: the next request reads as before.
    expect(await sample("customers", { rows: 1 })).toMatchObject({ ok: true, rows: 1 });
  });
});
