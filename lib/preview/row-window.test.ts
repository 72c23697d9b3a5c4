import { describe, expect, it } from "vitest";
import { rowWindow } from "./row-window";

const base = { scrollTop: 0, viewport: 280, offset: 56, rowHeight: 28, count: 900_000, overscan: 2 };

describe("rowWindow", () => {
  it("draws the rows the viewport shows below the headers, plus the overscan", () => {
    // 280 px of viewport, 56 of them headers: rows 0..7 show.
    expect(rowWindow(base)).toEqual({ first: 0, last: 9 });
  });

  it("follows the scroll position anywhere in a large table", () => {
    const middle = 56 + 450_000 * 28;
    expect(rowWindow({ ...base, scrollTop: middle })).toEqual({ first: 449_998, last: 450_011 });
  });

  it("stops at the last row", () => {
    expect(rowWindow({ ...base, scrollTop: 56 + 900_000 * 28 - 280 })).toEqual({ first: 899_988, last: 899_999 });
    expect(rowWindow({ ...base, count: 3 })).toEqual({ first: 0, last: 2 });
  });

  it("draws nothing for an empty table", () => {
    expect(rowWindow({ ...base, count: 0 })).toEqual({ first: 0, last: -1 });
  });

  it("draws the first rows before the scroller is measured", () => {
    expect(rowWindow({ ...base, viewport: 0 })).toEqual({ first: 0, last: 1 });
  });
});
