import { describe, expect, it } from "vitest";
import { ColumnNamer } from "../normalize/names";
import { namesIndependentOfOrder, planRawTable, rawLeaves, sharedFirsts, valueOrder, type ColumnProfile } from "./raw-plan";

const field = (sql: string, name: string) => `${sql}.${name}`;
const quote = (name: string) => `"${name}"`;
const profile = (over: Partial<ColumnProfile>): ColumnProfile => ({
  nonNull: 1,
  first: 0,
  whole: null,
  safe: null,
  ordinary: null,
  temporal: null,
  millisExact: null,
  ...over,
});

describe("rawLeaves", () => {
  it("flattens nested records into leaves with their paths and the records they lie in", () => {
    const found = rawLeaves(
      [
        { name: "id", type: "BIGINT" },
        { name: "map", type: "STRUCT(...)", fields: [{ name: "id", type: "VARCHAR" }, { name: "deep", type: "STRUCT(...)", fields: [{ name: "x", type: "DOUBLE" }] }] },
      ],
      field,
      quote,
      10,
    );
    expect(found).toEqual({
      ok: true,
      leaves: [
        { path: ["id"], sql: '"id"', type: "BIGINT", parents: [] },
        { path: ["map", "id"], sql: '"map".id', type: "VARCHAR", parents: ['"map"'] },
        { path: ["map", "deep", "x"], sql: '"map".deep.x', type: "DOUBLE", parents: ['"map"', '"map".deep'] },
      ],
    });
  });

  it("leaves to the page path: records deeper than max_depth, empty records, array-index keys, rowid, renamed keys", () => {
    const nested = { name: "a", type: "STRUCT", fields: [{ name: "b", type: "STRUCT", fields: [{ name: "c", type: "BIGINT" }] }] };
    expect(rawLeaves([nested], field, quote, 1)).toEqual({ ok: false, reason: 'field "a.b" is nested deeper than max_depth' });
    expect(rawLeaves([{ name: "e", type: "STRUCT()", fields: [] }], field, quote, 10).ok).toBe(false);
    expect(rawLeaves([{ name: "m", type: "STRUCT", fields: [{ name: "2024", type: "BIGINT" }] }], field, quote, 10)).toEqual({ ok: false, reason: 'field "m.2024" comes first in a JavaScript record' });
    expect(rawLeaves([{ name: "RowID", type: "BIGINT" }], field, quote, 10).ok).toBe(false);
    expect(rawLeaves([{ name: "Dup", type: "BIGINT" }, { name: "dup_1", type: "BIGINT" }], field, quote, 10).ok).toBe(false);
    expect(rawLeaves([{ name: "v_1", type: "BIGINT" }], field, quote, 10).ok).toBe(true);
  });
});

describe("planRawTable", () => {
  const leaves = (types: Record<string, string>) => {
    const found = rawLeaves(Object.entries(types).map(([name, type]) => ({ name, type })), field, quote, 10);
    if (!found.ok) throw new Error(found.reason);
    return found.leaves;
  };

  it("types text by its values: plain text among dates is text, dates are dates, dates with timestamps are timestamps", () => {
    const plan = planRawTable(
      leaves({ a: "VARCHAR", b: "VARCHAR", c: "VARCHAR", d: "VARCHAR" }),
      [
        profile({ nonNull: 3, temporal: { looks: 2, dates: 2, timestamps: 0 } }),
        profile({ nonNull: 3, temporal: { looks: 3, dates: 3, timestamps: 0 } }),
        profile({ nonNull: 3, temporal: { looks: 3, dates: 1, timestamps: 2 } }),
        profile({ nonNull: 3, temporal: { looks: 0, dates: 0, timestamps: 0 } }),
      ],
      "t",
      new ColumnNamer(),
    );
    expect(plan.ok && plan.columns.map((column) => [column.name, column.type, column.fromText])).toEqual([
      ["a", "VARCHAR", false],
      ["b", "DATE", true],
      ["c", "TIMESTAMP", true],
      ["d", "VARCHAR", false],
    ]);
  });

  it("leaves text SQL cannot read exactly as the page path does, and integers JSON.parse rounds, to the page path", () => {
    const lenient = profile({ nonNull: 2, temporal: { looks: 2, dates: 1, timestamps: 0 } });
    expect(planRawTable(leaves({ a: "VARCHAR" }), [lenient], "t", new ColumnNamer()).ok).toBe(false);
    expect(planRawTable(leaves({ a: "BIGINT" }), [profile({ safe: false })], "t", new ColumnNamer()).ok).toBe(false);
  });

  it("drops a field that holds no value whatever its type, and refuses one of an unread type that has values", () => {
    const plan = planRawTable(leaves({ id: "BIGINT", gone: "JSON" }), [profile({}), profile({ nonNull: 0, first: null })], "t", new ColumnNamer());
    expect(plan.ok && plan.columns.map((column) => column.name)).toEqual(["id"]);
    expect(planRawTable(leaves({ v: "JSON" }), [profile({})], "t", new ColumnNamer())).toEqual({ ok: false, reason: 'field "v" is JSON' });
  });

  it("orders columns by their first value, then by the rank of that record's keys", () => {
    const profiles = [profile({ first: 0 }), profile({ first: 5 }), profile({ first: 5 }), profile({ first: 2 })];
    const ranks = [0, 1, 0, 0];
    const plan = planRawTable(leaves({ a: "BIGINT", b: "BIGINT", c: "BIGINT", d: "BIGINT" }), profiles, "t", new ColumnNamer(), (leaf) => ranks[leaf] ?? leaf);
    expect(plan.ok && plan.columns.map((column) => column.name)).toEqual(["a", "d", "c", "b"]);
    expect(sharedFirsts(profiles)).toEqual([5]);
  });
});

describe("valueOrder and namesIndependentOfOrder", () => {
  it("ranks a record's values as the page path meets them: JavaScript's key order, nested records in place", () => {
    const order = valueOrder(JSON.parse('{"b":1,"m":{"y":1,"x":{"z":2}},"7":0,"a":[1]}'), 10);
    expect([...order.keys()].map((key) => key.split("\u0000").join("."))).toEqual(["7", "b", "m.y", "m.x.z", "a"]);
  });

  it("is false when two fields normalize alike or meet a name held before", () => {
    const found = rawLeaves([{ name: "A b", type: "BIGINT" }, { name: "a_b", type: "BIGINT" }], field, quote, 10);
    expect(found.ok && namesIndependentOfOrder(found.leaves, "t", new ColumnNamer())).toBe(false);
    const single = rawLeaves([{ name: "x", type: "BIGINT" }], field, quote, 10);
    expect(single.ok && namesIndependentOfOrder(single.leaves, "t", new ColumnNamer({ t: { x: "other" } }))).toBe(false);
    expect(single.ok && namesIndependentOfOrder(single.leaves, "t", new ColumnNamer({ t: { x: "x" } }))).toBe(true);
  });
});
