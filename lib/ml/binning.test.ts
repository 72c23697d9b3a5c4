import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binColumn, fitBinEdges, MAX_BINS } from "./binning";

describe("binning", () => {
  it("gives each of few distinct values its own bin, split halfway", () => {
    expect(Array.from(fitBinEdges(Float64Array.from([3, 1, 2, 1])))).toEqual([1.5, 2.5, Infinity]);
    expect(Array.from(binColumn(Float64Array.from([3, 1, 2, 1]), fitBinEdges(Float64Array.from([3, 1, 2, 1]))))).toEqual([2, 0, 1, 0]);
  });

  it("uses at most 255 bins, and bin <= b exactly when value <= edges[b]", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 2000 }), (values) => {
        const column = Float64Array.from(values);
        const edges = fitBinEdges(column);
        const bins = binColumn(column, edges);
        expect(edges.length).toBeLessThanOrEqual(MAX_BINS);
        expect(edges[edges.length - 1]).toBe(Infinity);
        for (let i = 0; i < column.length; i++) {
          const bin = bins[i]!;
          expect(column[i]! <= edges[bin]!).toBe(true);
          if (bin > 0) expect(column[i]! > edges[bin - 1]!).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });

  it("spreads many distinct values over quantile bins", () => {
    const column = Float64Array.from({ length: 10_000 }, (_, i) => i);
    const bins = binColumn(column, fitBinEdges(column));
    const counts = new Map<number, number>();
    for (const bin of bins) counts.set(bin, (counts.get(bin) ?? 0) + 1);
    expect(counts.size).toBe(MAX_BINS);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(Math.ceil(10_000 / MAX_BINS) + 1);
  });
});
