// Multinomial logistic regression (softmax; two classes are the K = 2 case) on standardized
// features, fitted by L-BFGS. The loss is the mean log-loss plus alpha / (2n) times the
// squared weights (biases unpenalized), the same optimum as scikit-learn's C = 1 / alpha.
import { minimizeLbfgs } from "./lbfgs";
import { fitStandardization, standardize, type Standardization } from "./standardize";

export interface LogisticEstimator extends Standardization {
  kind: "logistic";
  classCount: number;
  /** classCount rows of (coefficients of the standardized columns..., bias). */
  weights: number[];
}

export function trainLogistic(columns: readonly Float64Array[], codes: Int32Array, classCount: number, alpha: number): LogisticEstimator {
  const n = codes.length;
  const p = columns.length;
  const width = p + 1;
  const standardization = fitStandardization(columns);
  const z = standardize(columns, standardization);
  const scores = new Float64Array(n * classCount);
  const penalty = alpha / Math.max(1, n);
  const objective = (weights: Float64Array, gradient: Float64Array): number => {
    linearScores(z, weights, classCount, n, scores);
    gradient.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const start = i * classCount;
      let max = -Infinity;
      for (let k = 0; k < classCount; k++) max = Math.max(max, scores[start + k]!);
      let sum = 0;
      for (let k = 0; k < classCount; k++) sum += Math.exp(scores[start + k]! - max);
      const logSum = max + Math.log(sum);
      loss += logSum - scores[start + codes[i]!]!;
      // scores now hold the residuals p_k - [y = k], reused for the gradient below.
      for (let k = 0; k < classCount; k++) scores[start + k] = Math.exp(scores[start + k]! - logSum) - (codes[i] === k ? 1 : 0);
    }
    for (let k = 0; k < classCount; k++) {
      for (let j = 0; j < p; j++) {
        const column = z[j]!;
        let sum = 0;
        for (let i = 0; i < n; i++) sum += scores[i * classCount + k]! * column[i]!;
        gradient[k * width + j] = sum / n + penalty * weights[k * width + j]!;
      }
      let bias = 0;
      for (let i = 0; i < n; i++) bias += scores[i * classCount + k]!;
      gradient[k * width + p] = bias / n;
    }
    let squares = 0;
    for (let k = 0; k < classCount; k++) for (let j = 0; j < p; j++) squares += weights[k * width + j]! ** 2;
    return loss / n + (penalty / 2) * squares;
  };
  const weights = minimizeLbfgs(objective, new Float64Array(classCount * width));
  return { kind: "logistic", ...standardization, classCount, weights: Array.from(weights) };
}

function linearScores(z: readonly Float64Array[], weights: ArrayLike<number>, classCount: number, rowCount: number, out: Float64Array): void {
  const width = z.length + 1;
  for (let k = 0; k < classCount; k++) {
    const bias = weights[k * width + z.length]!;
    for (let i = 0; i < rowCount; i++) out[i * classCount + k] = bias;
    z.forEach((column, j) => {
      const weight = weights[k * width + j]!;
      for (let i = 0; i < rowCount; i++) out[i * classCount + k] = out[i * classCount + k]! + weight * column[i]!;
    });
  }
}

/** rowCount × classes probabilities. */
export function predictLogistic(model: LogisticEstimator, columns: readonly Float64Array[], rowCount: number): Float64Array {
  const z = standardize(columns.slice(0, model.mean.length), model);
  const out = new Float64Array(rowCount * model.classCount);
  linearScores(z, model.weights, model.classCount, rowCount, out);
  const k = model.classCount;
  for (let start = 0; start < out.length; start += k) {
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[start + c]!);
    let sum = 0;
    for (let c = 0; c < k; c++) sum += out[start + c] = Math.exp(out[start + c]! - max);
    for (let c = 0; c < k; c++) out[start + c] = out[start + c]! / sum;
  }
  return out;
}

/** Importance per standardized column: the largest |coefficient| over classes. */
export function logisticColumnWeights(model: LogisticEstimator): number[] {
  const p = model.mean.length;
  return Array.from({ length: p }, (_, j) => {
    let max = 0;
    for (let k = 0; k < model.classCount; k++) max = Math.max(max, Math.abs(model.weights[k * (p + 1) + j]!));
    return max;
  });
}
