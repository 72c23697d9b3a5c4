// Grows one histogram tree (the LightGBM / HistGradientBoosting way).
//
// Every sample carries a gradient sum g (one per output) and a hessian h; a node's value is
// G / (H + l2) and a split's gain is the rise in sum_k G_k^2 / (H + l2) over both children.
// - forest regression: g = weight × y, h = weight, so gain is the drop in squared error;
// - forest classification: g_k = weight × [y = k], so gain is the drop in Gini impurity;
// - boosting: g = minus the loss gradient, h = its second derivative (Newton leaves).
// A node's histogram holds, per feature and bin, [count, H, G_0..G_K-1]. Only the smaller
// child's histogram is built from its rows; the larger one is parent minus smaller.
// Small nodes skip histograms: sorting their few rows by bin is cheaper than clearing and
// scanning every bin (see sortedSplit).
import type { BinnedFeatures } from "./binning";
import { randomInt, type Random } from "./random";
import type { Tree } from "./tree";

export interface TreeGrowth {
  maxDepth: number;
  minSamplesLeaf: number;
  /** A child needs at least this hessian sum (guards Newton leaves in boosting). */
  minHessian: number;
  l2: number;
  /** Features looked at per split (a random subset when below the feature count). */
  featuresPerSplit: number;
  /** Every hessian is 1 (squared error): histograms then count instead of summing them. */
  unitHessians: boolean;
}

export interface GrownTree {
  tree: Tree;
  /** Summed split gain per feature. */
  gains: Float64Array;
  /** Triples (leaf node, start, end): rows[start..end) of the given rows ended in the leaf. */
  leafRanges: Int32Array;
}

interface Split {
  feature: number;
  bin: number;
  gain: number;
}

/** Sorted-mode keys pack (bin << 23) | position, so a node may hold up to 2^23 rows. */
const POSITION_BITS = 23;
const POSITION_MASK = (1 << POSITION_BITS) - 1;

export class HistogramTreeBuilder {
  private readonly stride: number;
  private readonly featureCount: number;
  private readonly offsets: Int32Array;
  private readonly histogramSize: number;
  /** Below this many rows a node finds its split by sorting rather than from a histogram. */
  private readonly sortedBelow: number;
  private readonly pool: Float64Array[] = [];
  private readonly spare: Float64Array;
  private readonly orderedGradients: Float64Array;
  private readonly orderedHessians: Float64Array;
  private readonly scratch: Uint32Array;
  private readonly keys: Uint32Array;
  private readonly featureOrder: Int32Array;
  private readonly leftSums: Float64Array;
  // Per tree being grown:
  private rows: Uint32Array = new Uint32Array(0);
  private gradients: Float64Array = new Float64Array(0);
  private hessians: Float64Array = new Float64Array(0);
  private growth: TreeGrowth = { maxDepth: 1, minSamplesLeaf: 1, minHessian: 0, l2: 0, featuresPerSplit: 1, unitHessians: false };
  private random: Random = () => 0;
  private feature: number[] = [];
  private threshold: number[] = [];
  private child: number[] = [];
  private values: number[] = [];
  private leafRanges: number[] = [];
  private gains: Float64Array = new Float64Array(0);

  constructor(
    private readonly data: BinnedFeatures,
    private readonly outputs: number,
  ) {
    this.stride = 2 + outputs;
    this.featureCount = data.featureCount;
    this.offsets = new Int32Array(this.featureCount);
    let size = 0;
    for (let f = 0; f < this.featureCount; f++) {
      this.offsets[f] = size;
      size += data.edges[f]!.length * this.stride;
    }
    this.histogramSize = size;
    // A histogram node costs about 3 passes over every bin; a sorted node n log n per feature.
    let rows = 2;
    while (rows * Math.log2(rows) * this.featureCount < 3 * size) rows++;
    this.sortedBelow = rows;
    this.spare = new Float64Array(size);
    this.orderedGradients = new Float64Array(data.sampleCount);
    this.orderedHessians = new Float64Array(data.sampleCount);
    this.scratch = new Uint32Array(data.sampleCount);
    this.keys = new Uint32Array(data.sampleCount);
    this.featureOrder = Int32Array.from({ length: this.featureCount }, (_, f) => f);
    this.leftSums = new Float64Array(this.stride);
  }

  /**
   * Grows a tree on `rows` (sample indices; reordered in place so each leaf's rows are
   * contiguous). gradients is sampleCount × outputs, hessians sampleCount.
   */
  grow(rows: Uint32Array, gradients: Float64Array, hessians: Float64Array, growth: TreeGrowth, random: Random): GrownTree {
    this.rows = rows;
    this.gradients = gradients;
    this.hessians = hessians;
    this.growth = growth;
    this.random = random;
    this.feature = [];
    this.threshold = [];
    this.child = [];
    this.values = [];
    this.leafRanges = [];
    this.gains = new Float64Array(this.featureCount);
    let rootHistogram: Float64Array | null = null;
    let totals: Float64Array;
    if (rows.length >= this.sortedBelow) {
      rootHistogram = this.acquire();
      this.buildHistogram(rootHistogram, 0, rows.length);
      totals = this.sumBins(rootHistogram, 0, this.data.edges[0]!.length - 1);
    } else totals = this.sumRows(0, rows.length);
    this.growNode(this.addNode(totals), 0, rows.length, 0, rootHistogram, totals);
    return {
      tree: {
        outputs: this.outputs,
        feature: Int32Array.from(this.feature),
        threshold: Float64Array.from(this.threshold),
        child: Int32Array.from(this.child),
        values: Float64Array.from(this.values),
      },
      gains: this.gains,
      leafRanges: Int32Array.from(this.leafRanges),
    };
  }

  private growNode(node: number, start: number, end: number, depth: number, histogram: Float64Array | null, totals: Float64Array): void {
    const splittable = depth < this.growth.maxDepth && end - start >= 2 * this.growth.minSamplesLeaf;
    let split: Split | null = null;
    if (splittable) split = histogram === null ? this.sortedSplit(start, end, totals) : this.histogramSplit(histogram, totals);
    if (split === null) {
      if (histogram !== null) this.release(histogram);
      this.leafRanges.push(node, start, end);
      return;
    }
    const middle = this.partition(start, end, split);
    const leftTotals = histogram === null ? this.sumRows(start, middle) : this.sumBins(histogram, this.offsets[split.feature]!, split.bin);
    const rightTotals = new Float64Array(this.stride);
    for (let j = 0; j < this.stride; j++) rightTotals[j] = totals[j]! - leftTotals[j]!;
    const [leftHistogram, rightHistogram] =
      histogram === null ? [null, null] : this.childHistograms(histogram, start, middle, end, depth + 1);
    const left = this.addNode(leftTotals);
    this.addNode(rightTotals);
    this.feature[node] = split.feature;
    this.threshold[node] = this.data.edges[split.feature]![split.bin]!;
    this.child[node] = left;
    this.gains[split.feature] = this.gains[split.feature]! + split.gain;
    this.growNode(left, start, middle, depth + 1, leftHistogram, leftTotals);
    this.growNode(left + 1, middle, end, depth + 1, rightHistogram, rightTotals);
  }

  /** Histograms for the children big enough to use one; null for the others. */
  private childHistograms(parent: Float64Array, start: number, middle: number, end: number, depth: number): [Float64Array | null, Float64Array | null] {
    const wantsHistogram = (count: number) =>
      depth < this.growth.maxDepth && count >= 2 * this.growth.minSamplesLeaf && count >= this.sortedBelow;
    const leftWants = wantsHistogram(middle - start);
    const rightWants = wantsHistogram(end - middle);
    if (!leftWants && !rightWants) {
      this.release(parent);
      return [null, null];
    }
    const leftIsSmaller = middle - start <= end - middle;
    const smaller = this.acquire();
    if (leftIsSmaller) this.buildHistogram(smaller, start, middle);
    else this.buildHistogram(smaller, middle, end);
    const largerWants = leftIsSmaller ? rightWants : leftWants;
    const smallerWants = leftIsSmaller ? leftWants : rightWants;
    let larger: Float64Array | null = null;
    if (largerWants) {
      for (let j = 0; j < this.histogramSize; j++) parent[j] = parent[j]! - smaller[j]!;
      larger = parent;
    } else this.release(parent);
    const kept = smallerWants ? smaller : null;
    if (!smallerWants) this.release(smaller);
    return leftIsSmaller ? [kept, larger] : [larger, kept];
  }

  private addNode(totals: Float64Array): number {
    const node = this.feature.length;
    this.feature.push(-1);
    this.threshold.push(0);
    this.child.push(-1);
    const denominator = totals[1]! + this.growth.l2;
    for (let k = 0; k < this.outputs; k++) this.values.push(denominator > 0 ? totals[2 + k]! / denominator : 0);
    return node;
  }

  private buildHistogram(histogram: Float64Array, start: number, end: number): void {
    const { rows, gradients, hessians, outputs, stride, orderedGradients, orderedHessians, spare } = this;
    const count = end - start;
    const unit = this.growth.unitHessians;
    histogram.fill(0);
    if (outputs > 1) {
      for (let f = 0; f < this.featureCount; f++) {
        const bins = this.data.bins[f]!;
        const offset = this.offsets[f]!;
        for (let i = start; i < end; i++) {
          const row = rows[i]!;
          const at = offset + bins[row]! * stride;
          histogram[at] = histogram[at]! + 1;
          histogram[at + 1] = histogram[at + 1]! + hessians[row]!;
          for (let k = 0; k < outputs; k++) histogram[at + 2 + k] = histogram[at + 2 + k]! + gradients[row * outputs + k]!;
        }
      }
      return;
    }
    // One output: gather the node's gradients in row order once, then per feature add even
    // positions into `histogram` and odd ones into `spare`. Two copies break the chain of
    // read-modify-writes on one bin that features with few bins otherwise make.
    for (let i = 0; i < count; i++) {
      const row = rows[start + i]!;
      orderedGradients[i] = gradients[row]!;
      if (!unit) orderedHessians[i] = hessians[row]!;
    }
    spare.fill(0);
    for (let f = 0; f < this.featureCount; f++) {
      const bins = this.data.bins[f]!;
      const offset = this.offsets[f]!;
      let i = 0;
      if (unit) {
        for (; i + 1 < count; i += 2) {
          const even = offset + bins[rows[start + i]!]! * 3;
          const odd = offset + bins[rows[start + i + 1]!]! * 3;
          histogram[even] = histogram[even]! + 1;
          histogram[even + 2] = histogram[even + 2]! + orderedGradients[i]!;
          spare[odd] = spare[odd]! + 1;
          spare[odd + 2] = spare[odd + 2]! + orderedGradients[i + 1]!;
        }
      } else {
        for (; i + 1 < count; i += 2) {
          const even = offset + bins[rows[start + i]!]! * 3;
          const odd = offset + bins[rows[start + i + 1]!]! * 3;
          histogram[even] = histogram[even]! + 1;
          histogram[even + 1] = histogram[even + 1]! + orderedHessians[i]!;
          histogram[even + 2] = histogram[even + 2]! + orderedGradients[i]!;
          spare[odd] = spare[odd]! + 1;
          spare[odd + 1] = spare[odd + 1]! + orderedHessians[i + 1]!;
          spare[odd + 2] = spare[odd + 2]! + orderedGradients[i + 1]!;
        }
      }
      if (i < count) {
        const at = offset + bins[rows[start + i]!]! * 3;
        histogram[at] = histogram[at]! + 1;
        histogram[at + 1] = histogram[at + 1]! + (unit ? 0 : orderedHessians[i]!);
        histogram[at + 2] = histogram[at + 2]! + orderedGradients[i]!;
      }
    }
    for (let j = 0; j < histogram.length; j++) histogram[j] = histogram[j]! + spare[j]!;
    // With unit hessians the hessian sums are the counts.
    if (unit) for (let at = 0; at < histogram.length; at += 3) histogram[at + 1] = histogram[at]!;
  }

  /** [count, H, G...] summed over bins 0..lastBin of the feature starting at offset. */
  private sumBins(histogram: Float64Array, offset: number, lastBin: number): Float64Array {
    const sums = new Float64Array(this.stride);
    for (let b = 0; b <= lastBin; b++) {
      for (let j = 0; j < this.stride; j++) sums[j] = sums[j]! + histogram[offset + b * this.stride + j]!;
    }
    return sums;
  }

  /** [count, H, G...] summed over rows[start..end). */
  private sumRows(start: number, end: number): Float64Array {
    const sums = new Float64Array(this.stride);
    for (let i = start; i < end; i++) this.addRow(sums, this.rows[i]!);
    return sums;
  }

  private addRow(sums: Float64Array, row: number): void {
    sums[0] = sums[0]! + 1;
    sums[1] = sums[1]! + this.hessians[row]!;
    for (let k = 0; k < this.outputs; k++) sums[2 + k] = sums[2 + k]! + this.gradients[row * this.outputs + k]!;
  }

  private parentScore(totals: Float64Array): number {
    let score = 0;
    for (let k = 0; k < this.outputs; k++) score += totals[2 + k]! ** 2 / (totals[1]! + this.growth.l2);
    return score;
  }

  /** The gain of a split with leftSums on the left, or -Infinity if a child is too small. */
  private gainOf(leftSums: Float64Array, totals: Float64Array, parentScore: number): number {
    const { minSamplesLeaf, minHessian, l2 } = this.growth;
    const leftCount = leftSums[0]!;
    if (leftCount < minSamplesLeaf || totals[0]! - leftCount < minSamplesLeaf) return -Infinity;
    const leftHessian = leftSums[1]!;
    const rightHessian = totals[1]! - leftHessian;
    if (leftHessian < minHessian || rightHessian < minHessian) return -Infinity;
    let gain = -parentScore;
    for (let k = 0; k < this.outputs; k++) {
      const leftGradient = leftSums[2 + k]!;
      const rightGradient = totals[2 + k]! - leftGradient;
      gain += (leftGradient * leftGradient) / (leftHessian + l2) + (rightGradient * rightGradient) / (rightHessian + l2);
    }
    return gain;
  }

  /** The next feature to try; a random subset when featuresPerSplit < featureCount. */
  private pickFeature(pick: number): number {
    const { featureOrder } = this;
    if (this.growth.featuresPerSplit < this.featureCount) {
      // Partial Fisher-Yates: featureOrder[pick] becomes a uniformly drawn unused feature.
      const j = pick + randomInt(this.random, this.featureCount - pick);
      const swap = featureOrder[pick]!;
      featureOrder[pick] = featureOrder[j]!;
      featureOrder[j] = swap;
    }
    return featureOrder[pick]!;
  }

  private histogramSplit(histogram: Float64Array, totals: Float64Array): Split | null {
    const { stride, leftSums } = this;
    const parentScore = this.parentScore(totals);
    // Gains below this are rounding noise (a pure or constant node).
    let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
    let best: Split | null = null;
    for (let pick = 0; pick < this.growth.featuresPerSplit; pick++) {
      const f = this.pickFeature(pick);
      const offset = this.offsets[f]!;
      const binCount = this.data.edges[f]!.length;
      leftSums.fill(0);
      for (let b = 0; b < binCount - 1; b++) {
        const at = offset + b * stride;
        if (histogram[at] === 0) continue;
        for (let j = 0; j < stride; j++) leftSums[j] = leftSums[j]! + histogram[at + j]!;
        if (totals[0]! - leftSums[0]! < this.growth.minSamplesLeaf) break;
        const gain = this.gainOf(leftSums, totals, parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin: b, gain };
        }
      }
    }
    return best;
  }

  /** The best split of a small node, from its rows sorted by bin, feature by feature. */
  private sortedSplit(start: number, end: number, totals: Float64Array): Split | null {
    const { rows, keys, leftSums } = this;
    const count = end - start;
    const parentScore = this.parentScore(totals);
    let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
    let best: Split | null = null;
    for (let pick = 0; pick < this.growth.featuresPerSplit; pick++) {
      const f = this.pickFeature(pick);
      const bins = this.data.bins[f]!;
      for (let i = 0; i < count; i++) keys[i] = (bins[rows[start + i]!]! << POSITION_BITS) | i;
      const sorted = keys.subarray(0, count).sort();
      leftSums.fill(0);
      for (let i = 0; i < count - 1; i++) {
        const key = sorted[i]!;
        this.addRow(leftSums, rows[start + (key & POSITION_MASK)]!);
        const bin = key >>> POSITION_BITS;
        // Only between two different bins can a threshold separate rows.
        if (sorted[i + 1]! >>> POSITION_BITS === bin) continue;
        const gain = this.gainOf(leftSums, totals, parentScore);
        if (gain > bestGain) {
          bestGain = gain;
          best = { feature: f, bin, gain };
        }
      }
    }
    return best;
  }

  /** Stable partition of rows[start..end): bin <= split.bin first. Returns the boundary. */
  private partition(start: number, end: number, split: Split): number {
    const { rows, scratch } = this;
    const bins = this.data.bins[split.feature]!;
    const limit = split.bin;
    let write = start;
    let spilled = 0;
    for (let i = start; i < end; i++) {
      const row = rows[i]!;
      if (bins[row]! <= limit) rows[write++] = row;
      else scratch[spilled++] = row;
    }
    rows.set(scratch.subarray(0, spilled), write);
    return write;
  }

  private acquire(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histogramSize);
  }

  private release(histogram: Float64Array): void {
    this.pool.push(histogram);
  }
}
