import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Column, Warehouse } from "../warehouse/types";
import { columnStatsQuery, countQuery, filterCondition, histogramQuery, previewQuery, whereClause } from "./sql";
import { parseColumnStats, parseHistogram } from "./stats";

describe("previewQuery", () => {
  it("selects a page of a quoted table", () => {
    expect(previewQuery({ table: 'my "t"', limit: 200, offset: 400 })).toBe('SELECT *\nFROM "my ""t"""\nLIMIT 200\nOFFSET 400');
    expect(previewQuery({ table: "t", limit: 10, offset: 0 })).toBe('SELECT *\nFROM "t"\nLIMIT 10');
  });

  it("orders by several keys, nulls last", () => {
    const sql = previewQuery({ table: "t", sort: [{ column: "a", direction: "desc" }, { column: "b", direction: "asc" }] });
    expect(sql).toBe('SELECT *\nFROM "t"\nORDER BY "a" DESC NULLS LAST, "b" ASC NULLS LAST');
  });

  it("writes each filter operator", () => {
    expect(filterCondition({ column: "x", op: "=", value: 3 })).toBe('"x" = 3');
    expect(filterCondition({ column: "x", op: "!=", value: "a'b" })).toBe(`"x" <> 'a''b'`);
    expect(filterCondition({ column: "x", op: ">=", value: "2024-01-01" })).toBe(`"x" >= '2024-01-01'`);
    expect(filterCondition({ column: "x", op: "<", value: true })).toBe('"x" < TRUE');
    expect(filterCondition({ column: "x", op: "is_null" })).toBe('"x" IS NULL');
    expect(filterCondition({ column: "x", op: "not_null" })).toBe('"x" IS NOT NULL');
    expect(filterCondition({ column: "x", op: "contains", value: "ab" })).toBe(`CAST("x" AS VARCHAR) ILIKE '%ab%'`);
    expect(filterCondition({ column: "x", op: "contains", value: "5%_" })).toBe(
      `CAST("x" AS VARCHAR) ILIKE '%5\\%\\_%' ESCAPE '\\'`,
    );
  });

  it("rejects missing values and bad paging", () => {
    expect(() => filterCondition({ column: "x", op: ">" })).toThrow(/needs a value/);
    expect(() => filterCondition({ column: "x", op: "=", value: Number.NaN })).toThrow(/finite/);
    expect(() => previewQuery({ table: "t", limit: -1 })).toThrow(/non-negative/);
    expect(() => previewQuery({ table: "t", offset: 1.5 })).toThrow(/non-negative/);
  });

  it("joins filters with AND in the WHERE clause, shared by the count", () => {
    const filters = [
      { column: "a", op: ">", value: 1 },
      { column: "b", op: "is_null" },
    ] as const;
    expect(whereClause(filters)).toBe('\nWHERE "a" > 1\n  AND "b" IS NULL');
    expect(whereClause([])).toBe("");
    expect(countQuery({ table: "t", filters })).toBe('SELECT count(*) AS n\nFROM "t"\nWHERE "a" > 1\n  AND "b" IS NULL');
  });
});

describe("against DuckDB", () => {
  let warehouse: Warehouse;
  let columns: Column[];
  beforeAll(async () => {
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    await warehouse.exec(`
      create table demo as
      select i::BIGINT as id,
             case when i % 10 = 0 then null else (i % 7) * 1.5 end as amount,
             ['red', 'green', 'blue', '5%_off'][(i % 4) + 1] as "Colour name",
             DATE '2024-01-01' + (i % 30)::INTEGER as day,
             i % 2 = 0 as even,
             [i, i] as pair
      from range(1000) t(i)`);
    columns = (await warehouse.describe("demo")) ?? [];
  });
  afterAll(async () => warehouse.close());

  it("pages, sorts and filters", async () => {
    const rows = await warehouse.query(
      previewQuery({
        table: "demo",
        filters: [{ column: "Colour name", op: "contains", value: "RE" }, { column: "amount", op: ">=", value: "6" }],
        sort: [{ column: "amount", direction: "desc" }, { column: "id", direction: "asc" }],
        limit: 3,
        offset: 1,
      }),
    );
    expect(rows.map((r) => [Number(r.id), r.amount, r["Colour name"]])).toEqual([
      [41, 9, "green"],
      [48, 9, "red"],
      [69, 9, "green"],
    ]);
    const escaped = await warehouse.query(countQuery({ table: "demo", filters: [{ column: "Colour name", op: "contains", value: "5%_" }] }));
    expect(Number(escaped[0]?.n)).toBe(250);
    const [count] = await warehouse.query(countQuery({ table: "demo", filters: [{ column: "amount", op: "is_null" }] }));
    expect(Number(count?.n)).toBe(100);
    const [days] = await warehouse.query(countQuery({ table: "demo", filters: [{ column: "day", op: "<", value: "2024-01-03" }] }));
    expect(Number(days?.n)).toBe(2 * 34);
  });

  it("computes column statistics in one row", async () => {
    const rows = await warehouse.query(columnStatsQuery("demo", columns));
    const stats = parseColumnStats(rows[0], columns);
    const byName = Object.fromEntries(stats.map((s) => [s.name, s]));
    expect(byName.amount?.nullShare).toBeCloseTo(0.1);
    expect(byName.amount?.min).toBe("0.0");
    expect(byName.amount?.max).toBe("9.0");
    expect(byName.id?.distinct).toBeGreaterThan(900);
    expect(byName["Colour name"]?.distinct).toBe(4);
    expect(byName.day?.min).toBe("2024-01-01");
    expect(byName.pair?.min).toBeNull();
    const exact = parseColumnStats((await warehouse.query(columnStatsQuery("demo", columns, { distinct: "exact" })))[0], columns);
    expect(exact[0]?.distinct).toBe(1000);
  });

  it("never counts more distinct values than non-null rows (approx_count_distinct overshoots)", async () => {
    await warehouse.exec("create table overshoot as select i as id, case when i % 10 = 0 then null else i end as half from range(500) t(i)");
    const cols = [{ name: "id", type: "BIGINT" }, { name: "half", type: "BIGINT" }];
    const [row] = await warehouse.query(columnStatsQuery("overshoot", cols));
    const stats = parseColumnStats(row, cols);
    expect(stats[0]?.distinct).toBeLessThanOrEqual(500);
    expect(stats[1]?.distinct).toBeLessThanOrEqual(450);
    // As a row from a backend that overshoots.
    expect(parseColumnStats({ total: 500, c0_nulls: 0, c0_distinct: 520, c1_nulls: 50, c1_distinct: 470 }, cols).map((s) => s.distinct)).toEqual([500, 450]);
  });

  it("bins numbers and dates into equal-width bins", async () => {
    const sql = histogramQuery("demo", "id", "BIGINT");
    if (!sql) throw new Error("expected a histogram query");
    const histogram = parseHistogram(await warehouse.query(sql), "BIGINT", 20);
    if (histogram.shape !== "bins") throw new Error("expected bins");
    expect(histogram.bins).toHaveLength(20);
    expect(histogram.bins.reduce((sum, b) => sum + b.count, 0)).toBe(1000);
    expect(histogram.bins[0]).toEqual({ lo: 0, hi: 999 / 20, count: 50 });

    const daySql = histogramQuery("demo", "day", "DATE");
    if (!daySql) throw new Error("expected a histogram query");
    const days = parseHistogram(await warehouse.query(daySql), "DATE", 20);
    if (days.shape !== "bins") throw new Error("expected bins");
    expect(days.temporal).toBe(true);
    expect(days.bins[0]?.lo).toBe(Date.UTC(2024, 0, 1) / 1000);
    expect(days.bins.reduce((sum, b) => sum + b.count, 0)).toBe(1000);
  });

  it("puts a constant column in a single bin", async () => {
    await warehouse.exec("create or replace table flat as select 7 as v from range(5)");
    const sql = histogramQuery("flat", "v", "INTEGER");
    if (!sql) throw new Error("expected a histogram query");
    expect(parseHistogram(await warehouse.query(sql), "INTEGER", 20)).toEqual({
      shape: "bins",
      temporal: false,
      bins: [{ lo: 7, hi: 7, count: 5 }],
    });
  });

  it("lists the top values of text and booleans, none for nested types", async () => {
    const sql = histogramQuery("demo", "Colour name", "VARCHAR");
    if (!sql) throw new Error("expected a histogram query");
    const top = parseHistogram(await warehouse.query(sql), "VARCHAR", 20);
    expect(top).toEqual({
      shape: "top",
      values: [
        { value: "5%_off", count: 250 },
        { value: "blue", count: 250 },
        { value: "green", count: 250 },
        { value: "red", count: 250 },
      ],
    });
    const even = histogramQuery("demo", "even", "BOOLEAN");
    if (!even) throw new Error("expected a histogram query");
    expect(parseHistogram(await warehouse.query(even), "BOOLEAN", 20)).toEqual({
      shape: "top",
      values: [{ value: "false", count: 500 }, { value: "true", count: 500 }],
    });
    expect(histogramQuery("demo", "pair", "BIGINT[]")).toBeNull();
  });
});
