import { describe, expect, it } from "vitest";
import { formatCell, formatEdge } from "./format";
import { PageCache } from "./page-cache";
import { formatCount, formatShare } from "./stats";

describe("formatCell", () => {
  it("formats values by type", () => {
    expect(formatCell(null, "VARCHAR")).toBeNull();
    expect(formatCell(new Date(Date.UTC(2024, 0, 31)), "DATE")).toBe("2024-01-31");
    expect(formatCell(Date.UTC(2024, 0, 31, 8, 5), "TIMESTAMP")).toBe("2024-01-31 08:05:00");
    expect(formatCell(12n, "BIGINT")).toBe("12");
    expect(formatCell(false, "BOOLEAN")).toBe("false");
    expect(formatCell({ a: [1n] }, "STRUCT(a BIGINT[])")).toBe('{"a":["1"]}');
    expect(formatCell(new Uint8Array(3), "BLOB")).toBe("<3 bytes>");
  });

  it("formats header numbers", () => {
    expect(formatShare(0)).toBe("0%");
    expect(formatShare(0.0001)).toBe("<0.1%");
    expect(formatShare(0.034)).toBe("3.4%");
    expect(formatShare(0.5)).toBe("50%");
    expect(formatCount(999)).toBe("999");
    expect(formatCount(12345)).toBe("12.3k");
    expect(formatCount(1_000_000)).toBe("1.0M");
    expect(formatEdge(Date.UTC(2024, 0, 2) / 1000, true)).toBe("2024-01-02");
    expect(formatEdge(0.12345, false)).toBe("0.123");
  });
});

describe("PageCache", () => {
  it("lists missing pages, keeps recent ones", () => {
    const cache = new PageCache(10, 2);
    expect(cache.missing(5, 25)).toEqual([0, 1, 2]);
    cache.start(0);
    expect(cache.missing(5, 25)).toEqual([1, 2]);
    cache.put(0, Array.from({ length: 10 }, (_, i) => ({ i })));
    cache.put(1, [{ i: 10 }]);
    expect(cache.row(3)).toEqual({ i: 3 });
    cache.touch(0);
    cache.put(2, [{ i: 20 }]);
    expect(cache.has(1)).toBe(false);
    expect(cache.has(0)).toBe(true);
    expect(cache.size).toBe(2);
    expect(cache.missing(3, 2)).toEqual([]);
  });
});

describe("formatNumber", () => {
  it("drops binary floating-point noise and keeps what a person typed", () => {
    expect(formatCell(6449.8099999999995, "DOUBLE")).toBe("6449.81");
    expect(formatCell(0.1 + 0.2, "DOUBLE")).toBe("0.3");
    expect(formatCell(1234567.125, "DOUBLE")).toBe("1234567.125");
    expect(formatCell(42, "BIGINT")).toBe("42");
    expect(formatCell(1e-9, "DOUBLE")).toBe("1e-9");
  });
});
