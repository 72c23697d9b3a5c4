import { describe, expect, it } from "vitest";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Column } from "../warehouse/types";
import { chartRows, fieldType, inferColumns, vegaLiteSpec, withRows } from "./chart-spec";
import { columnKind } from "./column-kind";

function isTopLevelSpec(value: unknown): value is TopLevelSpec {
  return typeof value === "object" && value !== null && "mark" in value;
}

function asTopLevel(value: unknown): TopLevelSpec {
  if (!isTopLevelSpec(value)) throw new Error("not a Vega-Lite spec");
  return value;
}

const columns: Column[] = [
  { name: "day", type: "DATE" },
  { name: "at", type: "TIMESTAMP WITH TIME ZONE" },
  { name: "km", type: "DOUBLE" },
  { name: "rides", type: "BIGINT" },
  { name: "price", type: "DECIMAL(10,2)" },
  { name: "sport", type: "VARCHAR" },
  { name: "done", type: "BOOLEAN" },
];

describe("column types", () => {
  it("classifies backend types", () => {
    expect(["DOUBLE", "bigint", "DECIMAL(10,2)", "HUGEINT", "float8"].map(columnKind)).toEqual(Array(5).fill("numeric"));
    expect(["DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS"].map(columnKind)).toEqual(Array(4).fill("temporal"));
    expect(["VARCHAR", "TIME", "UUID", "JSON"].map(columnKind)).toEqual(Array(4).fill("text"));
    expect(["INTEGER[]", "STRUCT(a INTEGER)", "MAP(VARCHAR, INTEGER)"].map(columnKind)).toEqual(Array(3).fill("complex"));
    expect(fieldType("BOOLEAN")).toBe("nominal");
    expect(fieldType(undefined)).toBe("nominal");
  });
});

describe("vegaLiteSpec", () => {
  it("types fields from the column types", () => {
    const spec = vegaLiteSpec({ mark: "line", x: "day", y: "KM", color: "sport", title: "Km per day" }, columns);
    expect(spec.encoding).toEqual({
      x: { field: "day", type: "temporal", scale: { type: "utc" } },
      y: { field: "km", type: "quantitative" },
      color: { field: "sport", type: "nominal" },
    });
    expect(spec.title).toBe("Km per day");
    expect(spec.width).toBe("container");
    expect(spec.data).toEqual({ name: "table" });
  });

  it("aggregates the measure channel", () => {
    expect(vegaLiteSpec({ mark: "bar", x: "sport", y: "km", aggregate: "sum" }, columns).encoding.y).toEqual({
      field: "km",
      type: "quantitative",
      aggregate: "sum",
    });
    // Horizontal bars: the quantitative channel is x.
    expect(vegaLiteSpec({ mark: "bar", y: "sport", x: "rides", aggregate: "mean" }, columns).encoding.x).toEqual({
      field: "rides",
      type: "quantitative",
      aggregate: "mean",
    });
    expect(vegaLiteSpec({ mark: "bar", x: "sport", aggregate: "count" }, columns).encoding.y).toEqual({
      aggregate: "count",
      type: "quantitative",
    });
    expect(vegaLiteSpec({ mark: "arc", theta: "km", color: "sport", aggregate: "sum" }, columns).encoding.theta).toMatchObject({
      aggregate: "sum",
    });
  });

  it("stands bars along an integer column on bands, unless the cell typed the channel", () => {
    const weekdays = [{ name: "weekday", type: "BIGINT" }, { name: "km", type: "DOUBLE" }, { name: "share", type: "DOUBLE" }];
    expect(vegaLiteSpec({ mark: "bar", x: "weekday", y: "km" }, weekdays).encoding.x).toEqual({ field: "weekday", type: "ordinal" });
    const horizontal = vegaLiteSpec({ mark: "bar", y: "weekday", x: "km", aggregate: "sum" }, weekdays).encoding;
    expect([horizontal.y, horizontal.x]).toEqual([{ field: "weekday", type: "ordinal" }, { field: "km", type: "quantitative", aggregate: "sum" }]);
    expect(vegaLiteSpec({ mark: "bar", x: "weekday", aggregate: "count" }, weekdays).encoding.x).toEqual({ field: "weekday", type: "ordinal" });
    expect(vegaLiteSpec({ mark: "bar", x: { field: "weekday", type: "quantitative" }, y: "km" }, weekdays).encoding.x).toEqual({ field: "weekday", type: "quantitative" });
    // Two integer columns (a weekday and a count): x is the category.
    const counts = [{ name: "weekday", type: "BIGINT" }, { name: "rides", type: "BIGINT" }];
    const both = vegaLiteSpec({ mark: "bar", x: "weekday", y: "rides" }, counts).encoding;
    expect([both.x, both.y]).toEqual([{ field: "weekday", type: "ordinal" }, { field: "rides", type: "quantitative" }]);
    // A float stays on a continuous axis, and so do other marks.
    expect(vegaLiteSpec({ mark: "bar", x: "share", y: "km" }, weekdays).encoding.x).toEqual({ field: "share", type: "quantitative" });
    expect(vegaLiteSpec({ mark: "line", x: "weekday", y: "km" }, weekdays).encoding.x).toEqual({ field: "weekday", type: "quantitative" });
  });

  it("keeps field definitions and fills their type", () => {
    const spec = vegaLiteSpec({ mark: "bar", x: { field: "day", timeUnit: "month" }, y: { field: "rides", aggregate: "sum" } }, columns);
    expect(spec.encoding.x).toEqual({ field: "day", timeUnit: "month", type: "temporal" });
    expect(spec.encoding.y).toEqual({ field: "rides", aggregate: "sum", type: "quantitative" });
    expect(vegaLiteSpec({ mark: "bar", y: { aggregate: "count" } }, columns).encoding.y).toEqual({ aggregate: "count", type: "quantitative" });
    expect(vegaLiteSpec({ mark: "point", x: { field: "km", type: "ordinal" } }, columns).encoding.x).toEqual({ field: "km", type: "ordinal" });
  });

  it("facets wrapped, or by row and column", () => {
    const wrapped = vegaLiteSpec({ mark: "point", x: "km", y: "rides", facet: "sport" }, columns);
    expect(wrapped.encoding.facet).toEqual({ columns: 3, field: "sport", type: "nominal" });
    expect(wrapped.width).toBe(220);
    const grid = vegaLiteSpec({ mark: "point", x: "km", y: "rides", facet: { row: "sport", column: "done" } }, columns);
    expect(grid.encoding.row).toEqual({ field: "sport", type: "nominal" });
    expect(grid.encoding.column).toEqual({ field: "done", type: "nominal" });
    expect(grid.encoding.facet).toBeUndefined();
  });

  it("compiles to Vega for every mark", () => {
    for (const mark of ["line", "bar", "point", "area", "tick", "rule", "rect"] as const) {
      const spec = withRows(vegaLiteSpec({ mark, x: "day", y: "km", color: "sport", facet: "done", aggregate: "sum" }, columns), [
        { day: new Date(Date.UTC(2024, 0, 1)), km: 1.5, sport: "run", done: true },
      ]);
      expect(() => compile(asTopLevel(structuredClone(spec)))).not.toThrow();
    }
  });

  it("guesses column types from values", () => {
    expect(
      inferColumns([
        { a: null, b: "2024-01-02", c: "x", d: 1n, e: true, f: new Date(0) },
        { a: 1.5, b: "2024-01-03T10:00:00Z", c: "y", d: 2n, e: false, f: null },
      ]),
    ).toEqual([
      { name: "a", type: "DOUBLE" },
      { name: "b", type: "TIMESTAMP" },
      { name: "c", type: "VARCHAR" },
      { name: "d", type: "DOUBLE" },
      { name: "e", type: "BOOLEAN" },
      { name: "f", type: "TIMESTAMP" },
    ]);
  });

  it("makes rows readable by Vega", () => {
    const bytes = new Uint8Array([1, 2]);
    const date = new Date(0);
    expect(chartRows([{ a: 12n, b: bytes, c: date, d: "x", e: null }])).toEqual([{ a: 12, b: "<2 bytes>", c: date, d: "x", e: null }]);
  });
});
