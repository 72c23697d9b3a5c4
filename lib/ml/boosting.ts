// Gradient boosting on histogram trees with Newton leaves, like scikit-learn's
// HistGradientBoosting: squared error for regression, log-loss for two classes (one tree per
// round on the log-odds) and softmax for more (one tree per class per round).
// Leaf values are stored already multiplied by the learning rate.
import { binFeatures } from "./binning";
import { featuresPerSplit, type ResolvedParams } from "./config";
import { mean } from "./forest";
import type { ProgressTicker } from "./progress";
import { createRandom, deriveSeed } from "./random";
import { identityRows, type TrainingSamples } from "./samples";
import { addTreesPrediction, type Tree } from "./tree";
import { HistogramTreeBuilder } from "./tree-builder";

export type BoostingLoss = "squared_error" | "binary_log_loss" | "softmax_log_loss";

export interface BoostingEstimator {
  kind: "boosting";
  loss: BoostingLoss;
  /** The starting raw score per output (mean, log-odds or log prior). */
  init: number[];
  /** rounds[r][k]: the round's tree for output k. */
  rounds: Tree[][];
}

/** Stops a Newton leaf dividing by a vanishing hessian (scikit-learn's min_hessian_to_split). */
const MIN_HESSIAN = 1e-3;
const PROBABILITY_FLOOR = 1e-12;

export async function trainBoosting(
  samples: TrainingSamples,
  params: ResolvedParams,
  ticker: ProgressTicker,
): Promise<{ estimator: BoostingEstimator; gains: Float64Array; trainingScores: Float64Array }> {
  const { target } = samples;
  const binned = binFeatures(samples.columns);
  const n = binned.sampleCount;
  const loss: BoostingLoss =
    target.task === "regression" ? "squared_error" : target.classCount === 2 ? "binary_log_loss" : "softmax_log_loss";
  const outputs = loss === "softmax_log_loss" && target.task === "classification" ? target.classCount : 1;
  const init = initialScores(samples, loss, outputs);
  const raw = new Float64Array(n * outputs);
  for (let i = 0; i < n; i++) for (let k = 0; k < outputs; k++) raw[i * outputs + k] = init[k]!;
  const builder = new HistogramTreeBuilder(binned, 1);
  const growth = {
    maxDepth: params.maxDepth,
    minSamplesLeaf: params.minSamplesLeaf,
    minHessian: loss === "squared_error" ? 0 : MIN_HESSIAN,
    l2: 0,
    featuresPerSplit: featuresPerSplit(params.maxFeatures, binned.featureCount),
    unitHessians: loss === "squared_error",
  };
  const gradients = new Float64Array(n);
  const hessians = new Float64Array(n).fill(1);
  const probabilities = new Float64Array(n * outputs);
  const gains = new Float64Array(binned.featureCount);
  const rounds: Tree[][] = [];
  const identity = identityRows(n);
  const rows = new Uint32Array(n);
  for (let round = 0; round < params.trees; round++) {
    const random = createRandom(deriveSeed(params.seed, round));
    if (loss === "softmax_log_loss") softmaxInto(raw, outputs, probabilities);
    const trees: Tree[] = [];
    for (let k = 0; k < outputs; k++) {
      fillGradients(samples, loss, raw, probabilities, outputs, k, gradients, hessians);
      rows.set(identity);
      const grown = builder.grow(rows, gradients, hessians, growth, random);
      const { tree, leafRanges } = grown;
      for (let j = 0; j < tree.values.length; j++) tree.values[j] = tree.values[j]! * params.learningRate;
      // Update the training scores from the leaves' row ranges instead of re-predicting.
      for (let j = 0; j < leafRanges.length; j += 3) {
        const value = tree.values[leafRanges[j]!]!;
        for (let i = leafRanges[j + 1]!; i < leafRanges[j + 2]!; i++) raw[rows[i]! * outputs + k] = raw[rows[i]! * outputs + k]! + value;
      }
      for (let f = 0; f < gains.length; f++) gains[f] = gains[f]! + grown.gains[f]!;
      trees.push(tree);
    }
    rounds.push(trees);
    await ticker.tick(round + 1);
  }
  // The training rows' scores, summed in the order prediction sums them: bit-identical.
  return { estimator: { kind: "boosting", loss, init, rounds }, gains, trainingScores: scoresFromRaw(loss, raw, n) };
}

function initialScores(samples: TrainingSamples, loss: BoostingLoss, outputs: number): number[] {
  const { target } = samples;
  if (target.task === "regression") return [mean(target.values)];
  const counts = new Float64Array(target.classCount);
  for (const code of target.codes) counts[code] = counts[code]! + 1;
  const prior = (k: number) => Math.max(counts[k]! / target.codes.length, PROBABILITY_FLOOR);
  if (loss === "binary_log_loss") return [Math.log(prior(1) / prior(0))];
  return Array.from({ length: outputs }, (_, k) => Math.log(prior(k)));
}

/** Minus the loss gradient (so a leaf is G / H) and the hessian, for output k. */
function fillGradients(
  samples: TrainingSamples,
  loss: BoostingLoss,
  raw: Float64Array,
  probabilities: Float64Array,
  outputs: number,
  k: number,
  gradients: Float64Array,
  hessians: Float64Array,
): void {
  const { target } = samples;
  const n = gradients.length;
  if (target.task === "regression") {
    for (let i = 0; i < n; i++) gradients[i] = target.values[i]! - raw[i]!;
    return;
  }
  for (let i = 0; i < n; i++) {
    const p = loss === "binary_log_loss" ? 1 / (1 + Math.exp(-raw[i]!)) : probabilities[i * outputs + k]!;
    const isClass = target.codes[i] === (loss === "binary_log_loss" ? 1 : k) ? 1 : 0;
    gradients[i] = isClass - p;
    hessians[i] = Math.max(p * (1 - p), PROBABILITY_FLOOR);
  }
}

export function softmaxInto(raw: Float64Array, outputs: number, out: Float64Array): void {
  for (let start = 0; start < raw.length; start += outputs) {
    let max = -Infinity;
    for (let k = 0; k < outputs; k++) max = Math.max(max, raw[start + k]!);
    let sum = 0;
    for (let k = 0; k < outputs; k++) {
      const e = Math.exp(raw[start + k]! - max);
      out[start + k] = e;
      sum += e;
    }
    for (let k = 0; k < outputs; k++) out[start + k] = out[start + k]! / sum;
  }
}

/** Regression: rowCount values. Classification: rowCount × classes probabilities. */
export function predictBoosting(boosting: BoostingEstimator, columns: readonly Float64Array[], rowCount: number): Float64Array {
  const outputs = boosting.init.length;
  const raw = new Float64Array(rowCount * outputs);
  for (let i = 0; i < rowCount; i++) for (let k = 0; k < outputs; k++) raw[i * outputs + k] = boosting.init[k]!;
  // Trees of one output in round order, so the sums match training's bit for bit.
  for (let k = 0; k < outputs; k++) {
    const trees = boosting.rounds.map((round) => round[k]).filter((tree) => tree !== undefined);
    addTreesPrediction(trees, columns, rowCount, 1, raw, outputs, k);
  }
  return scoresFromRaw(boosting.loss, raw, rowCount);
}

/** Raw scores as predictions: values for squared error, class probabilities otherwise. */
export function scoresFromRaw(loss: BoostingLoss, raw: Float64Array, rowCount: number): Float64Array {
  switch (loss) {
    case "squared_error":
      return raw;
    case "binary_log_loss": {
      const probabilities = new Float64Array(rowCount * 2);
      for (let i = 0; i < rowCount; i++) {
        const p = 1 / (1 + Math.exp(-raw[i]!));
        probabilities[i * 2] = 1 - p;
        probabilities[i * 2 + 1] = p;
      }
      return probabilities;
    }
    case "softmax_log_loss": {
      const probabilities = new Float64Array(raw.length);
      softmaxInto(raw, raw.length / rowCount, probabilities);
      return probabilities;
    }
    default: {
      const unexpected: never = loss;
      return unexpected;
    }
  }
}
