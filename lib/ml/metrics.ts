// Evaluation metrics, computed on the training rows and on the held-out test rows.

export type MetricSplit = "train" | "test";
export interface MetricRow {
  metric: string;
  split: MetricSplit;
  value: number;
}

/** r2, mae, mse, rmse of predicted against actual over the given rows. */
export function regressionMetrics(actual: Float64Array, predicted: Float64Array, rows: Uint32Array, split: MetricSplit): MetricRow[] {
  const n = rows.length;
  if (n === 0) return [];
  let sum = 0;
  for (const row of rows) sum += actual[row]!;
  const mean = sum / n;
  let absolute = 0;
  let squared = 0;
  let total = 0;
  for (const row of rows) {
    const error = actual[row]! - predicted[row]!;
    absolute += Math.abs(error);
    squared += error * error;
    total += (actual[row]! - mean) ** 2;
  }
  // As scikit-learn: a constant target scores 1 when predicted exactly, else 0.
  const r2 = total > 0 ? 1 - squared / total : squared === 0 ? 1 : 0;
  return [
    { metric: "r2", split, value: r2 },
    { metric: "mae", split, value: absolute / n },
    { metric: "mse", split, value: squared / n },
    { metric: "rmse", split, value: Math.sqrt(squared / n) },
  ];
}

const LOG_LOSS_CLIP = 1e-15;

/**
 * accuracy, f1_macro (over the classes present in actual or predicted) and log_loss, given
 * class codes and rowCount × classCount probabilities.
 */
export function classificationMetrics(
  actual: Int32Array,
  predicted: Int32Array,
  probabilities: Float64Array,
  classCount: number,
  rows: Uint32Array,
  split: MetricSplit,
): MetricRow[] {
  const n = rows.length;
  if (n === 0) return [];
  const truePositive = new Float64Array(classCount);
  const actualCount = new Float64Array(classCount);
  const predictedCount = new Float64Array(classCount);
  let correct = 0;
  let logLoss = 0;
  for (const row of rows) {
    const truth = actual[row]!;
    const guess = predicted[row]!;
    actualCount[truth] = actualCount[truth]! + 1;
    predictedCount[guess] = predictedCount[guess]! + 1;
    if (truth === guess) {
      correct++;
      truePositive[truth] = truePositive[truth]! + 1;
    }
    let total = 0;
    for (let k = 0; k < classCount; k++) total += probabilities[row * classCount + k]!;
    const p = probabilities[row * classCount + truth]! / total;
    logLoss -= Math.log(Math.min(1 - LOG_LOSS_CLIP, Math.max(LOG_LOSS_CLIP, p)));
  }
  let f1Sum = 0;
  let present = 0;
  for (let k = 0; k < classCount; k++) {
    if (actualCount[k] === 0 && predictedCount[k] === 0) continue;
    present++;
    f1Sum += (2 * truePositive[k]!) / (actualCount[k]! + predictedCount[k]!);
  }
  return [
    { metric: "accuracy", split, value: correct / n },
    { metric: "f1_macro", split, value: present === 0 ? 0 : f1Sum / present },
    { metric: "log_loss", split, value: logLoss / n },
  ];
}

/** The most probable class of each row (the first one on ties). */
export function argmaxRows(probabilities: Float64Array, classCount: number): Int32Array {
  const rowCount = probabilities.length / classCount;
  const codes = new Int32Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    let best = 0;
    for (let k = 1; k < classCount; k++) {
      if (probabilities[row * classCount + k]! > probabilities[row * classCount + best]!) best = k;
    }
    codes[row] = best;
  }
  return codes;
}
