// Random forest: histogram trees on bootstrap samples, with a random feature subset per split.
// Regression averages the trees' means; classification averages their class distributions
// (the split gain is the Gini decrease, as in scikit-learn).
import { binFeatures } from "./binning";
import { featuresPerSplit, type ResolvedParams } from "./config";
import type { ProgressTicker } from "./progress";
import { createRandom, deriveSeed, randomInt } from "./random";
import type { TrainingSamples } from "./samples";
import { addTreesPrediction, type Tree } from "./tree";
import { HistogramTreeBuilder } from "./tree-builder";

export interface ForestEstimator {
  kind: "forest";
  /** Added to every prediction: the training mean for regression (trees fit y - mean), else 0. */
  offset: number;
  trees: Tree[];
}

export async function trainForest(
  samples: TrainingSamples,
  params: ResolvedParams,
  ticker: ProgressTicker,
): Promise<{ estimator: ForestEstimator; gains: Float64Array }> {
  const { target } = samples;
  const binned = binFeatures(samples.columns);
  const n = binned.sampleCount;
  const outputs = target.task === "regression" ? 1 : target.classCount;
  // Centering the target keeps the gain arithmetic precise when y is far from 0.
  const offset = target.task === "regression" ? mean(target.values) : 0;
  const builder = new HistogramTreeBuilder(binned, outputs);
  const growth = {
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    minHessian: 0,
    l2: 0,
    featuresPerSplit: featuresPerSplit(params.maxFeatures, binned.featureCount),
    unitHessians: false,
  };
  const weights = new Uint32Array(n);
  const gradients = new Float64Array(n * outputs);
  const hessians = new Float64Array(n);
  const gains = new Float64Array(binned.featureCount);
  const trees: Tree[] = [];
  for (let t = 0; t < params.trees; t++) {
    const random = createRandom(deriveSeed(params.seed, t));
    weights.fill(0);
    for (let draw = 0; draw < n; draw++) {
      const drawn = randomInt(random, n);
      weights[drawn] = weights[drawn]! + 1;
    }
    let inBag = 0;
    for (let i = 0; i < n; i++) if (weights[i]! > 0) inBag++;
    const rows = new Uint32Array(inBag);
    inBag = 0;
    for (let i = 0; i < n; i++) {
      const weight = weights[i]!;
      if (weight === 0) continue;
      rows[inBag++] = i;
      hessians[i] = weight;
      if (target.task === "regression") gradients[i] = weight * (target.values[i]! - offset);
      else {
        gradients.fill(0, i * outputs, (i + 1) * outputs);
        gradients[i * outputs + target.codes[i]!] = weight;
      }
    }
    const grown = builder.grow(rows, gradients, hessians, growth, random);
    trees.push(grown.tree);
    for (let f = 0; f < gains.length; f++) gains[f] = gains[f]! + grown.gains[f]!;
    await ticker.tick(t + 1);
  }
  return { estimator: { kind: "forest", offset, trees }, gains };
}

/** Regression: rowCount means. Classification: rowCount × classes probabilities. */
export function predictForest(forest: ForestEstimator, columns: readonly Float64Array[], rowCount: number): Float64Array {
  const outputs = forest.trees[0]?.outputs ?? 1;
  const out = new Float64Array(rowCount * outputs);
  const share = 1 / Math.max(1, forest.trees.length);
  addTreesPrediction(forest.trees, columns, rowCount, share, out);
  if (forest.offset !== 0) for (let i = 0; i < out.length; i++) out[i] = out[i]! + forest.offset;
  return out;
}

export function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? 0 : sum / values.length;
}
