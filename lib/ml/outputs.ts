// The tables an ML cell writes besides the model: predictions and feature importance.
import { argmaxRows } from "./metrics";
import { encodeTable, predictScores, type ImportanceRow, type MlModel } from "./model";
import { invertTarget } from "./target-transform";
import { requireColumn, rowCountOf, type MlColumn, type MlColumns } from "./table";

export type PredictionSplit = "train" | "test" | "predict";

/** Named columns in order: key columns (or `_row`), predicted, p_<class>..., split. */
export interface PredictionTable {
  columns: string[];
  data: Record<string, MlColumn>;
}

export const ROW_INDEX_COLUMN = "_row";

export function keyNames(key: string | readonly string[] | undefined): string[] {
  if (key === undefined) return [];
  return typeof key === "string" ? [key] : [...key];
}

export function buildPredictions(
  model: MlModel,
  scores: Float64Array,
  table: MlColumns,
  rowCount: number,
  splitOf: (row: number) => PredictionSplit,
  key: readonly string[],
): PredictionTable {
  const data: Record<string, MlColumn> = {};
  const columns: string[] = [];
  const add = (name: string, column: MlColumn) => {
    columns.push(name);
    data[name] = column;
  };
  if (key.length === 0) add(ROW_INDEX_COLUMN, Float64Array.from({ length: rowCount }, (_, row) => row));
  for (const name of key) add(name, Array.from(requireColumn(table, name, "key")));
  if (model.task === "regression") add("predicted", scores);
  else {
    const classCount = model.classes.length;
    const codes = argmaxRows(scores, classCount);
    add("predicted", Array.from(codes, (code) => model.classes[code] ?? null));
    model.classes.forEach((label, k) => {
      add(`p_${String(label)}`, Float64Array.from({ length: rowCount }, (_, row) => scores[row * classCount + k]!));
    });
  }
  add("split", Array.from({ length: rowCount }, (_, row) => splitOf(row)));
  return { columns, data };
}

/** Scores a table with a trained model; every row's split is `predict`. */
export function predict(model: MlModel, table: MlColumns, options: { key?: string | readonly string[] } = {}): PredictionTable {
  const rowCount = rowCountOf(table, "predict_on");
  const key = keyNames(options.key);
  for (const name of key) requireColumn(table, name, "key");
  const encoded = encodeTable(model, table, rowCount);
  const outputs = predictScores(model.estimator, encoded.columns, rowCount);
  const scores = model.task === "regression" ? invertTarget(model.params.targetTransform, outputs) : outputs;
  return buildPredictions(model, scores, table, rowCount, () => "predict", key);
}

/** Per-feature importance from per-encoded-column weights, normalized to sum 1, largest first. */
export function importanceRows(features: readonly string[], columnWeights: ArrayLike<number>, featureOf: readonly number[]): ImportanceRow[] {
  const perFeature = new Float64Array(features.length);
  for (let j = 0; j < featureOf.length; j++) perFeature[featureOf[j]!] = perFeature[featureOf[j]!]! + Math.abs(columnWeights[j] ?? 0);
  let total = 0;
  for (const weight of perFeature) total += weight;
  const rows = features.map((feature, f) => ({
    feature,
    // No split or all-zero coefficients: nothing to tell the features apart.
    importance: total > 0 ? perFeature[f]! / total : 1 / features.length,
  }));
  return rows.sort((a, b) => b.importance - a.importance);
}
