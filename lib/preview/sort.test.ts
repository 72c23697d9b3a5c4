import { describe, expect, it } from "vitest";
import { defaultFilterOp, nextSort, parseFilterValue } from "./sort";

describe("nextSort", () => {
  it("cycles one column asc, desc, none", () => {
    expect(nextSort([], "a", false)).toEqual([{ column: "a", direction: "asc" }]);
    expect(nextSort([{ column: "a", direction: "asc" }], "a", false)).toEqual([{ column: "a", direction: "desc" }]);
    expect(nextSort([{ column: "a", direction: "desc" }], "a", false)).toEqual([]);
    expect(nextSort([{ column: "a", direction: "desc" }, { column: "b", direction: "asc" }], "b", false)).toEqual([
      { column: "b", direction: "desc" },
    ]);
  });

  it("adds and cycles within a multi-column sort with shift", () => {
    const ab = nextSort([{ column: "a", direction: "asc" }], "b", true);
    expect(ab).toEqual([{ column: "a", direction: "asc" }, { column: "b", direction: "asc" }]);
    expect(nextSort(ab, "a", true)).toEqual([{ column: "a", direction: "desc" }, { column: "b", direction: "asc" }]);
    expect(nextSort([{ column: "a", direction: "desc" }, { column: "b", direction: "asc" }], "a", true)).toEqual([
      { column: "b", direction: "asc" },
    ]);
  });
});

describe("filter values", () => {
  it("types what the user typed", () => {
    expect(parseFilterValue(" 12.5 ", "DOUBLE")).toBe(12.5);
    expect(parseFilterValue("abc", "INTEGER")).toBe("abc");
    expect(parseFilterValue("TRUE", "BOOLEAN")).toBe(true);
    expect(parseFilterValue("2024-01-01", "DATE")).toBe("2024-01-01");
    expect(defaultFilterOp({ name: "a", type: "VARCHAR" })).toBe("contains");
    expect(defaultFilterOp({ name: "a", type: "BIGINT" })).toBe("=");
  });
});
