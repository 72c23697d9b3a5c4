// Quantile binning for the histogram trees: each feature becomes at most 255 bins, one byte
// per row. Bin b holds the values in (edges[b-1], edges[b]]; the last edge is +Infinity.
// A split "bin <= b" is then exactly "value <= edges[b]", so a trained tree predicts from raw
// values without binning them.

export const MAX_BINS = 255;

/** Upper bin edges of a column's values. */
export function fitBinEdges(column: Float64Array, maxBins = MAX_BINS): Float64Array {
  const sorted = Float64Array.from(column).sort();
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  }
  const edges: number[] = [];
  if (distinct.length <= maxBins) {
    // Few values: one bin each, split halfway between neighbours.
    for (let i = 1; i < distinct.length; i++) edges.push((distinct[i - 1]! + distinct[i]!) / 2);
  } else {
    for (let q = 1; q < maxBins; q++) {
      const j = Math.floor((q * sorted.length) / maxBins);
      const below = sorted[j - 1]!;
      const at = sorted[j]!;
      const edge = below === at ? at : (below + at) / 2;
      if (edges.length === 0 || edge > edges[edges.length - 1]!) edges.push(edge);
    }
  }
  edges.push(Infinity);
  return Float64Array.from(edges);
}

/** The bin of each value. */
export function binColumn(column: Float64Array, edges: Float64Array): Uint8Array {
  const bins = new Uint8Array(column.length);
  const last = edges.length - 1;
  for (let i = 0; i < column.length; i++) {
    const value = column[i]!;
    // The first edge >= value (binary search; the last edge is +Infinity).
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (edges[middle]! >= value) high = middle;
      else low = middle + 1;
    }
    bins[i] = low;
  }
  return bins;
}

/** The training samples of a tree model, binned: bins[f][i] is sample i's bin of feature f. */
export interface BinnedFeatures {
  sampleCount: number;
  featureCount: number;
  bins: Uint8Array[];
  edges: Float64Array[];
}

export function binFeatures(columns: readonly Float64Array[]): BinnedFeatures {
  const edges = columns.map((column) => fitBinEdges(column));
  const bins = columns.map((column, f) => binColumn(column, edges[f]!));
  return { sampleCount: columns[0]?.length ?? 0, featureCount: columns.length, bins, edges };
}
