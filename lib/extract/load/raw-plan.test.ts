import { describe, expect, it } from "vitest";
import { ColumnNamer } from "../normalize/names";
import { uniformWriteBatchOf, writeBatchOf } from "./write-batches";
import { namesIndependentOfOrder, planRawTable, rawLeaves, sharedFirsts, valueOrder, type ColumnProfile } from "./raw-plan";

const field = (sql: string, name: string) => `${sql}.${name}`;
const quote = (name: string) => `"${name}"`;
const profile = (over: Partial<ColumnProfile>): ColumnProfile => ({
  nonNull: 1,
  first: 0,
  whole: null,
  finite: null,
  firstPlain: null,
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
      lists: [],
    });
  });

  it("sets lists apart, with the depth of their elements' fields; a list inside an element is the page path's", () => {
    const tags = { name: "tags", type: "VARCHAR[]", element: { name: "", type: "VARCHAR" } };
    const found = rawLeaves([{ name: "id", type: "BIGINT" }, { name: "order", type: "STRUCT", fields: [tags] }], field, quote, 10);
    expect(found).toEqual({
      ok: true,
      leaves: [{ path: ["id"], sql: '"id"', type: "BIGINT", parents: [] }],
      lists: [{ path: ["order", "tags"], sql: '"order".tags', element: tags.element, depth: 2, parents: ['"order"'] }],
    });
    expect(rawLeaves([{ name: "order", type: "STRUCT", fields: [tags] }], field, quote, 1)).toEqual({ ok: false, reason: 'field "order.tags" is a list nested deeper than max_depth' });
    expect(rawLeaves([tags], field, quote, 10, true, { sql: "e", depth: 1 })).toEqual({ ok: false, reason: 'field "tags" is a list inside a list\'s elements' });
    expect(rawLeaves([{ name: "a\u0000b", type: "BIGINT" }], field, quote, 10)).toEqual({ ok: false, reason: 'field "a\\u0000b" has NUL in its name' });
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
        profile({ nonNull: 3, firstPlain: 0, temporal: { looks: 2, dates: 2, timestamps: 0 } }),
        profile({ nonNull: 3, temporal: { looks: 3, dates: 3, timestamps: 0 } }),
        profile({ nonNull: 3, temporal: { looks: 3, dates: 1, timestamps: 2 } }),
        profile({ nonNull: 3, firstPlain: 0, temporal: { looks: 0, dates: 0, timestamps: 0 } }),
      ],
      "t",
      new ColumnNamer(),
      (leaf) => leaf,
      () => 0,
    );
    expect(plan.ok && plan.columns.map((column) => [column.name, column.type, column.fromText])).toEqual([
      ["a", "VARCHAR", false],
      ["b", "DATE", true],
      ["c", "TIMESTAMP", true],
      ["d", "VARCHAR", false],
    ]);
  });

  it("types text with dates as text only where plain text comes in the column's first write batch", () => {
    const mixed = profile({ nonNull: 3, first: 5, firstPlain: 12_000, temporal: { looks: 2, dates: 2, timestamps: 0 } });
    const byTens = (position: number) => Math.floor(position / 10_000);
    expect(planRawTable(leaves({ a: "VARCHAR" }), [mixed], "t", new ColumnNamer(), (leaf) => leaf, byTens).ok).toBe(false);
    const early = { ...mixed, firstPlain: 9_999 };
    expect(planRawTable(leaves({ a: "VARCHAR" }), [early], "t", new ColumnNamer(), (leaf) => leaf, byTens)).toMatchObject({ ok: true, columns: [{ type: "VARCHAR" }] });
  });

  it("leaves text SQL cannot read exactly as the page path does, and integers JSON.parse rounds, to the page path", () => {
    const lenient = profile({ nonNull: 2, temporal: { looks: 2, dates: 1, timestamps: 0 } });
    expect(planRawTable(leaves({ a: "VARCHAR" }), [lenient], "t", new ColumnNamer(), (leaf) => leaf, () => 0).ok).toBe(false);
    expect(planRawTable(leaves({ a: "BIGINT" }), [profile({ safe: false })], "t", new ColumnNamer(), (leaf) => leaf, () => 0).ok).toBe(false);
    expect(planRawTable(leaves({ a: "DOUBLE" }), [profile({ finite: false })], "t", new ColumnNamer(), (leaf) => leaf, () => 0).ok).toBe(false);
  });

  it("drops a field that holds no value whatever its type, and refuses one of an unread type that has values", () => {
    const plan = planRawTable(leaves({ id: "BIGINT", gone: "JSON" }), [profile({}), profile({ nonNull: 0, first: null })], "t", new ColumnNamer(), (leaf) => leaf, () => 0);
    expect(plan.ok && plan.columns.map((column) => column.name)).toEqual(["id"]);
    expect(planRawTable(leaves({ v: "JSON" }), [profile({})], "t", new ColumnNamer(), (leaf) => leaf, () => 0)).toEqual({ ok: false, reason: 'field "v" is JSON' });
  });

  it("orders columns by their first value, then by the rank of that record's keys", () => {
    const profiles = [profile({ first: 0 }), profile({ first: 5 }), profile({ first: 5 }), profile({ first: 2 })];
    const ranks = [0, 1, 0, 0];
    const plan = planRawTable(leaves({ a: "BIGINT", b: "BIGINT", c: "BIGINT", d: "BIGINT" }), profiles, "t", new ColumnNamer(), (leaf) => ranks[leaf] ?? leaf, () => 0);
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
    // `a.b` and `a: {b}` are one source path to the namer.
    const dotted = rawLeaves([{ name: "a.b", type: "BIGINT" }, { name: "a", type: "STRUCT", fields: [{ name: "b", type: "BIGINT" }] }], field, quote, 10);
    expect(dotted.ok && namesIndependentOfOrder(dotted.leaves, "t", new ColumnNamer())).toBe(false);
  });
});

describe("the page path's write batches", () => {
  it("writes the first page alone, then whenever 10,000 rows wait", () => {
    const batchOf = writeBatchOf([100, 5_000, 5_000, 3, 0, 20_000, 7]);
    expect([0, 99, 100, 10_099, 10_100, 10_102, 10_103, 30_102, 30_103, 30_109].map(batchOf)).toEqual([0, 0, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect([0, 9_999, 10_000, 25_000].map(writeBatchOf([0, 10_000, 10_000, 10_000]))).toEqual([0, 0, 1, 2]);
    expect([0, 9_999, 10_000, 25_000].map(uniformWriteBatchOf(10_000))).toEqual([0, 0, 1, 2]);
    const small = uniformWriteBatchOf(1_000);
    const pages = writeBatchOf(Array.from({ length: 40 }, () => 1_000));
    for (const position of [0, 999, 1_000, 10_999, 11_000, 20_999, 21_000, 39_999]) expect(small(position), String(position)).toBe(pages(position));
  });

  it("counts child tables' rows: a page whose lists bring 10,000 rows is written alone", () => {
    const batchOf = writeBatchOf([1, 1, 1, 1], [1, 10_001, 1, 1]);
    expect([0, 1, 2, 3].map(batchOf)).toEqual([0, 1, 2, 2]);
  });
});
