// Training an ML cell end to end: check the input, split, encode, fit, evaluate, predict.
import { trainBoosting } from "./boosting";
import { mlTrainConfigSchema, resolveParams, type MlModelKind, type MlTask, type MlTrainConfig, type ResolvedParams } from "./config";
import { MlInputError } from "./errors";
import { encodeFeatures, fitEncoder, type CategoryEncoding } from "./features";
import { trainForest } from "./forest";
import { trainLinear } from "./linear";
import { logisticColumnWeights, trainLogistic } from "./logistic";
import { argmaxRows, classificationMetrics, regressionMetrics, type MetricRow } from "./metrics";
import { MODEL_FORMAT, predictScores, type Estimator, type ImportanceRow, type MlModel } from "./model";
import { buildPredictions, importanceRows, keyNames, predict, type PredictionTable } from "./outputs";
import { ProgressTicker, type TrainControl } from "./progress";
import { createRandom, shuffleInPlace } from "./random";
import { gatherColumns, type TrainingSamples, type TrainingTarget } from "./samples";
import { isMissing, requireColumn, rowCountOf, type MlColumn, type MlColumns } from "./table";
import { invertTarget, transformTarget } from "./target-transform";
import { encodeClassificationTarget, encodeRegressionTarget, inferTask, type ClassLabel } from "./target";

export interface TrainOptions extends TrainControl {
  /** The table to score (the cell's predict_on); default the training table. */
  predictOn?: MlColumns;
}

export interface MlResult {
  model: MlModel;
  metrics: MetricRow[];
  predictions: PredictionTable;
  importance: ImportanceRow[];
}

/** Trains the model an ml cell describes on `table` (the cell's `from`). */
export async function train(configInput: MlTrainConfig, table: MlColumns, options: TrainOptions = {}): Promise<MlResult> {
  const parsed = mlTrainConfigSchema.safeParse(configInput);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlInputError(String(issue?.path[0] ?? "config"), issue?.message ?? "invalid ml config");
  }
  const config = parsed.data;
  const rowCount = rowCountOf(table, "from");
  const targetColumn = requireColumn(table, config.target, "target");
  const featureColumns = config.features.map((name) => requireColumn(table, name, "features"));
  checkFeatureList(config.features, config.target);
  const key = keyNames(config.key);
  for (const name of key) requireColumn(options.predictOn ?? table, name, "key");
  const task = chooseTask(config.model, config.task, targetColumn);
  const params = resolveParams(config, task);
  if (task === "classification" && params.targetTransform !== "none") {
    throw new MlInputError("target_transform", `only for regression; "${config.target}" is a classification target`);
  }

  const labeled: number[] = [];
  for (let row = 0; row < rowCount; row++) if (!isMissing(targetColumn[row])) labeled.push(row);
  if (labeled.length === 0) {
    throw new MlInputError("from", `no rows to train on: the table has ${rowCount} rows, none with a value in "${config.target}"`);
  }
  const { classes, target } = encodeTarget(task, targetColumn, config.target);
  const fitted = fittedTarget(target, params, config.target);
  const { train: trainRows, test: testRows } = splitRows(Uint32Array.from(labeled), params.testShare, params.splitSeed);

  const encoding: CategoryEncoding = isTreeModel(config.model) ? "ordinal" : "one_hot_or_ordinal";
  const encoders = config.features.map((name, f) => fitEncoder(name, featureColumns[f]!, trainRows, encoding));
  const encoded = encodeFeatures(encoders, featureColumns, rowCount);
  const samples: TrainingSamples = { columns: gatherColumns(encoded.columns, trainRows), target: gatherTarget(fitted, trainRows) };

  const ticker = new ProgressTicker(isTreeModel(config.model) ? params.trees : 1, options);
  ticker.throwIfCancelled();
  const { estimator, columnWeights, trainingScores } = await fitEstimator(config.model, samples, params, ticker);

  const modelScores = scoreRows(estimator, encoded.columns, rowCount, trainRows, trainingScores);
  const scores = task === "regression" ? invertTarget(params.targetTransform, modelScores) : modelScores;
  const metrics = evaluate(target, scores, classes.length, trainRows, testRows);
  const importance = importanceRows(config.features, columnWeights, encoded.featureOf);
  const model: MlModel = {
    format: MODEL_FORMAT,
    model: config.model,
    task,
    target: config.target,
    features: config.features,
    params,
    encoders,
    classes,
    estimator,
    trainRows: trainRows.length,
    testRows: testRows.length,
    metrics,
    importance,
  };
  const predictions =
    options.predictOn === undefined
      ? buildPredictions(model, scores, table, rowCount, splitLookup(rowCount, trainRows, testRows), key)
      : predict(model, options.predictOn, { key });
  return { model, metrics, predictions, importance };
}

/** The held-out rows: a seeded shuffle's first round(n × testShare), at least one row left to train. */
export function splitRows(labeledRows: Uint32Array, testShare: number, seed: number): { train: Uint32Array; test: Uint32Array } {
  const shuffled = shuffleInPlace(Uint32Array.from(labeledRows), createRandom(seed));
  const testCount = Math.min(labeledRows.length - 1, Math.round(labeledRows.length * testShare));
  return { test: shuffled.slice(0, testCount).sort(), train: shuffled.slice(testCount).sort() };
}

function isTreeModel(model: MlModelKind): boolean {
  return model === "random_forest" || model === "gradient_boosting";
}

function checkFeatureList(features: readonly string[], target: string): void {
  if (features.includes(target)) throw new MlInputError("features", `the target "${target}" cannot be a feature`);
  const duplicate = features.find((name, i) => features.indexOf(name) !== i);
  if (duplicate !== undefined) throw new MlInputError("features", `feature "${duplicate}" is listed twice`);
}

function chooseTask(model: MlModelKind, task: MlTask | undefined, targetColumn: MlColumn): MlTask {
  switch (model) {
    case "linear":
    case "ridge":
      if (task === "classification") throw new MlInputError("task", `${model} is a regression model; use logistic`);
      return "regression";
    case "logistic":
      if (task === "regression") throw new MlInputError("task", "logistic is a classification model");
      return "classification";
    case "random_forest":
    case "gradient_boosting":
      return task ?? inferTask(targetColumn);
    default: {
      const unexpected: never = model;
      return unexpected;
    }
  }
}

function encodeTarget(task: MlTask, column: MlColumn, name: string): { classes: ClassLabel[]; target: TrainingTarget } {
  if (task === "regression") return { classes: [], target: { task, values: encodeRegressionTarget(column, name) } };
  const { classes, codes } = encodeClassificationTarget(column);
  if (classes.length < 2) {
    throw new MlInputError("target", `target "${name}" has a single class (${JSON.stringify(classes[0])}); classification needs two or more`);
  }
  return { classes, target: { task, codes, classCount: classes.length } };
}

/** The target the estimator learns: the regression target on its transformed scale. */
function fittedTarget(target: TrainingTarget, params: ResolvedParams, name: string): TrainingTarget {
  if (target.task !== "regression") return target;
  return { task: target.task, values: transformTarget(params.targetTransform, target.values, name) };
}

function gatherTarget(target: TrainingTarget, rows: Uint32Array): TrainingTarget {
  if (target.task === "regression") return { task: target.task, values: Float64Array.from(rows, (row) => target.values[row]!) };
  return { ...target, codes: Int32Array.from(rows, (row) => target.codes[row]!) };
}

async function fitEstimator(
  model: MlModelKind,
  samples: TrainingSamples,
  params: ResolvedParams,
  ticker: ProgressTicker,
): Promise<{ estimator: Estimator; columnWeights: ArrayLike<number>; trainingScores?: Float64Array }> {
  const { columns, target } = samples;
  switch (model) {
    case "linear":
    case "ridge": {
      if (target.task !== "regression") throw new MlInputError("task", `${model} is a regression model`);
      const estimator = trainLinear(columns, target.values, params.alpha);
      await ticker.tick(1);
      return { estimator, columnWeights: estimator.coef };
    }
    case "logistic": {
      if (target.task !== "classification") throw new MlInputError("task", "logistic is a classification model");
      const estimator = trainLogistic(columns, target.codes, target.classCount, params.alpha);
      await ticker.tick(1);
      return { estimator, columnWeights: logisticColumnWeights(estimator) };
    }
    case "random_forest": {
      const { estimator, gains } = await trainForest(samples, params, ticker);
      return { estimator, columnWeights: gains };
    }
    case "gradient_boosting": {
      const { estimator, gains, trainingScores } = await trainBoosting(samples, params, ticker);
      return { estimator, columnWeights: gains, trainingScores };
    }
    default: {
      const unexpected: never = model;
      return unexpected;
    }
  }
}

/**
 * Scores every row. When training already scored the training rows (boosting), only the
 * others go through the trees; the training scores are bit-identical to a fresh prediction.
 */
function scoreRows(
  estimator: Estimator,
  columns: Float64Array[],
  rowCount: number,
  trainRows: Uint32Array,
  trainingScores: Float64Array | undefined,
): Float64Array {
  if (trainingScores === undefined) return predictScores(estimator, columns, rowCount);
  const outputs = trainingScores.length / Math.max(1, trainRows.length);
  const isTrain = new Uint8Array(rowCount);
  for (const row of trainRows) isTrain[row] = 1;
  const otherRows = Uint32Array.from({ length: rowCount - trainRows.length });
  let next = 0;
  for (let row = 0; row < rowCount; row++) if (isTrain[row] === 0) otherRows[next++] = row;
  const otherScores = predictScores(estimator, gatherColumns(columns, otherRows), otherRows.length);
  const scores = new Float64Array(rowCount * outputs);
  trainRows.forEach((row, i) => scores.set(trainingScores.subarray(i * outputs, (i + 1) * outputs), row * outputs));
  otherRows.forEach((row, i) => scores.set(otherScores.subarray(i * outputs, (i + 1) * outputs), row * outputs));
  return scores;
}

function evaluate(target: TrainingTarget, scores: Float64Array, classCount: number, trainRows: Uint32Array, testRows: Uint32Array): MetricRow[] {
  if (target.task === "regression") {
    return [...regressionMetrics(target.values, scores, trainRows, "train"), ...regressionMetrics(target.values, scores, testRows, "test")];
  }
  const predicted = argmaxRows(scores, classCount);
  return [
    ...classificationMetrics(target.codes, predicted, scores, classCount, trainRows, "train"),
    ...classificationMetrics(target.codes, predicted, scores, classCount, testRows, "test"),
  ];
}

function splitLookup(rowCount: number, trainRows: Uint32Array, testRows: Uint32Array): (row: number) => "train" | "test" | "predict" {
  // 0 = no target (predicted only), 1 = train, 2 = test.
  const splits = new Uint8Array(rowCount);
  for (const row of trainRows) splits[row] = 1;
  for (const row of testRows) splits[row] = 2;
  return (row) => (splits[row] === 1 ? "train" : splits[row] === 2 ? "test" : "predict");
}
