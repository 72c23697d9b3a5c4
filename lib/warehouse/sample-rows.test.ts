import { describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "./duckdb-node";
import { cellText, readSampleRowsFrom } from "./sample-rows";

describe("sample cell text", () => {
  it("shows dates, floats, bigints and nested values readably", () => {
    expect(cellText(new Date("2024-01-01T00:00:00Z"))).toBe("2024-01-01");
    expect(cellText(new Date("2024-01-01T10:30:00Z"))).toBe("2024-01-01 10:30:00Z");
    expect(cellText(4449.8099999999995)).toBe("4449.81");
    expect(cellText(12n)).toBe("12");
    expect(cellText({ a: 1n })).toBe('{"a":"1"}');
    expect(cellText(null)).toBe("");
  });
});

describe("sample rows through an open warehouse", () => {
  it("reads columns in table order and at most `limit` rows; null for a missing table", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    try {
      await warehouse.exec("create table t as select i as id, 'x' || i as name, date '2024-01-01' as day from range(5) r(i)");
      expect(await readSampleRowsFrom(warehouse, "t", 2)).toEqual({ columns: ["id", "name", "day"], rows: [["0", "x0", "2024-01-01"], ["1", "x1", "2024-01-01"]] });
      expect(await readSampleRowsFrom(warehouse, "missing")).toBeNull();
    } finally {
      await warehouse.close();
    }
  });
});
