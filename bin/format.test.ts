// What a run prints in a log (no terminal): a throttled extract progress still ends on the
// true count before its asset's line, and counts of one are singular.
import { describe, expect, it } from "vitest";
import { progressPrinter, grouped } from "./format";

const progress = (pages: number, rows: number, elapsedMs: number) => ({ type: "asset_progress" as const, asset: "rides", pages, rows, elapsedMs });

describe("progressPrinter without a terminal", () => {
  it("prints the last throttled progress before the asset's outcome", () => {
    const lines: string[] = [];
    const print = progressPrinter((line) => lines.push(line), false);
    print(progress(1, 100, 10));
    print(progress(6, 600, 300));
    print(progress(12, 1200, 600));
    print({ type: "asset_finished", outcome: { asset: "rides", kind: "extract", status: "succeeded", rows: 1200, durationMs: 650, checks: [] } });
    expect(lines).toEqual([
      "...  rides: 1 page, 100 rows, 10,000 rows/s",
      "...  rides: 12 pages, 1,200 rows, 2,000 rows/s",
      "OK   rides (extract) 1,200 rows in 650ms",
    ]);
  });

  it("says 1 row", () => {
    const lines: string[] = [];
    progressPrinter((line) => lines.push(line), false)({ type: "asset_finished", outcome: { asset: "one", kind: "sql", status: "succeeded", rows: 1, durationMs: 5, checks: [] } });
    expect(lines).toEqual(["OK   one (sql) 1 row in 5ms"]);
  });

  it("says why an extract's rows went record by record", () => {
    const lines: string[] = [];
    const note = "loaded record by record: a record has no primary key";
    progressPrinter((line) => lines.push(line), false)({ type: "asset_finished", outcome: { asset: "rides", kind: "extract", status: "succeeded", rows: 2, durationMs: 5, checks: [], note } });
    expect(lines).toEqual([`OK   rides (extract) 2 rows in 5ms (${note})`]);
  });
});

describe("grouped", () => {
  it("puts thousands separators in whole numbers, as toLocaleString('en') does", () => {
    for (const n of [0, 7, 999, 1000, 12345, 1234567, -1234567, 1000000000]) expect(grouped(n)).toBe(n.toLocaleString("en"));
  });
});
