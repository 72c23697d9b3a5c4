import { describe, expect, it } from "vitest";
import { extractCell, mlCell, sqlCell } from "./__fixtures__/notebook-builders";
import { TableResolver, tableRefFromText } from "./resolve";

describe("tableRefFromText", () => {
  it("splits catalog, schema and name", () => {
    expect(tableRefFromText("db.raw.events")).toEqual({ name: "events", schema: "raw", catalog: "db" });
    expect(tableRefFromText(" orders ")).toEqual({ name: "orders" });
  });
});

describe("TableResolver", () => {
  const resolver = new TableResolver(
    [extractCell("e", { line: 1 }), extractCell("e__items", { line: 2 }), mlCell("m", "e", { line: 3 }), sqlCell("s", "select 1", { line: 4 })],
    ["raw.events"],
  );

  it("resolves child tables to the longest producing prefix", () => {
    expect(resolver.resolve({ name: "e__items__tags" })).toEqual({ kind: "cell", cell: "e__items" });
    expect(resolver.resolve({ name: "e__other" })).toEqual({ kind: "cell", cell: "e" });
    expect(resolver.resolve({ name: "M__Metrics" })).toEqual({ kind: "cell", cell: "m" });
  });

  it("gives SQL cells no child tables and ML cells only their three outputs", () => {
    expect(resolver.resolve({ name: "s__x" })).toEqual({ kind: "unknown", table: "s__x" });
    expect(resolver.resolve({ name: "m__x" })).toEqual({ kind: "unknown", table: "m__x" });
  });

  it("treats a table in another schema as external only when declared", () => {
    expect(resolver.resolve({ name: "s", schema: "other" })).toEqual({ kind: "unknown", table: "other.s", hint: expect.stringContaining('"s" is an asset of this notebook placed in the warehouse\'s own schema') });
    expect(resolver.resolve({ name: "EVENTS", schema: "raw" })).toEqual({ kind: "external" });
    expect(resolver.resolve({ name: "events" })).toEqual({ kind: "unknown", table: "events" });
    expect(resolver.resolve({ name: "s", schema: "main" })).toEqual({ kind: "cell", cell: "s" });
  });
});

describe("TableResolver with schemas", () => {
  it("reads schema.name as the asset placed in that schema, and names the schema of one read in another", () => {
    const resolver = new TableResolver([sqlCell("orders", "select 1", { line: 1 }), sqlCell("plain", "select 1", { line: 2 })], ["raw.orders"], (cell) => (cell.name === "orders" ? "staging" : undefined));
    expect(resolver.resolve({ name: "orders", schema: "staging" })).toEqual({ kind: "cell", cell: "orders" });
    expect(resolver.resolve({ name: "orders" })).toEqual({ kind: "cell", cell: "orders" });
    expect(resolver.resolve({ name: "orders", schema: "main" })).toEqual({ kind: "cell", cell: "orders" });
    // A declared table of another schema is that table, not the asset.
    expect(resolver.resolve({ name: "orders", schema: "raw" })).toEqual({ kind: "external" });
    expect(resolver.resolve({ name: "orders", schema: "marts" })).toEqual({ kind: "unknown", table: "marts.orders", hint: ': "orders" is an asset of this notebook placed in schema staging; write staging.orders or orders' });
  });
});
