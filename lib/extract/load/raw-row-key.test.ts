import { describe, expect, it } from "vitest";
import type { KeyTextKind } from "../../warehouse/types";
import type { ColumnProfile, RawLeaf } from "./raw-plan";
import { rowKeySql, type KeySpelling } from "./raw-row-key";

// Spells each piece by name, so the structure the builder makes is what the test reads.
const named = (kind: KeyTextKind) => (e: string) => `${kind}(${e})`;
const spell: KeySpelling = {
  keyText: { text: named("text"), integer: named("integer"), double: named("double"), boolean: named("boolean"), date: named("date"), timestamp: named("timestamp") },
  keyList: (list, item) => `list(${list}, ${item("x")})`,
  field: (e, name) => `${e}.${name}`,
  md5: (e) => `md5(${e})`,
};

const leaf = (path: string[], type: string): RawLeaf => ({ path, sql: path.join("."), type, parents: path.slice(0, -1) });
const profile = (nonNull: number): ColumnProfile => ({ nonNull, first: 0, whole: null, finite: null, firstPlain: null, safe: null, ordinary: null, temporal: null, millisExact: null });

describe("a raw table's content key in SQL", () => {
  it("sorts members as JavaScript does, nests records, leaves out what is NULL throughout", () => {
    const leaves = [leaf(["b"], "BIGINT"), leaf(["m", "y"], "DOUBLE"), leaf(["m", "é"], "VARCHAR"), leaf(["A"], "BOOLEAN"), leaf(["gone"], "JSON")];
    const key = rowKeySql(leaves, [profile(1), profile(1), profile(1), profile(1), profile(0)], spell);
    expect(key).toEqual({
      ok: true,
      sql:
        `md5(('{' || concat_ws(',', '"A":' || boolean(A), '"b":' || integer(b), ` +
        `'"m":' || ('{' || NULLIF(concat_ws(',', '"y":' || double(m.y), '"é":' || text(m.é)), '') || '}')) || '}'))`,
    });
  });

  it("escapes keys as JSON and quotes them as SQL", () => {
    const key = rowKeySql([leaf(["it's \"q\""], "DATE")], [profile(1)], spell);
    expect(key).toEqual({ ok: true, sql: `md5(('{' || concat_ws(',', '"it''s \\"q\\"":' || date(it's "q")) || '}'))` });
  });

  it("keys a record with no value as {}", () => {
    expect(rowKeySql([leaf(["a"], "VARCHAR")], [profile(0)], spell)).toEqual({ ok: true, sql: "md5('{}')" });
  });

  it("refuses a type no key spells as the page path does", () => {
    expect(rowKeySql([leaf(["t"], "TIME")], [profile(3)], spell)).toEqual({ ok: false, reason: 'field "t" is TIME, which SQL does not key as the page path does' });
  });

  it("spells a list's items, a record item as a nested record", () => {
    const list = { path: ["tags"], sql: "tags", depth: 1, parents: [], element: { name: "", type: "STRUCT(t VARCHAR, w DOUBLE)", fields: [{ name: "w", type: "DOUBLE" }, { name: "t", type: "VARCHAR" }] } };
    expect(rowKeySql([], [], spell, [list])).toEqual({
      ok: true,
      sql: `md5(('{' || concat_ws(',', '"tags":' || list(tags, ('{' || NULLIF(concat_ws(',', '"t":' || text(x.t), '"w":' || double(x.w)), '') || '}'))) || '}'))`,
    });
    const nestedList = { ...list, element: { name: "", type: "VARCHAR[]", element: { name: "", type: "VARCHAR" } } };
    expect(rowKeySql([], [], spell, [nestedList])).toEqual({ ok: false, reason: 'field "tags" is VARCHAR[], which SQL does not key as the page path does' });
  });
});
