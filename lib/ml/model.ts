// A trained model: what it was trained on, how it encodes features, the fitted estimator,
// and its training metrics. predictScores is the one prediction path, for training rows,
// held-out rows and any later table.
import { predictBoosting, type BoostingEstimator } from "./boosting";
import type { MlModelKind, MlTask, ResolvedParams } from "./config";
import { encodeFeatures, type EncodedMatrix, type FeatureEncoder } from "./features";
import { predictForest, type ForestEstimator } from "./forest";
import { predictLinear, type LinearEstimator } from "./linear";
import { predictLogistic, type LogisticEstimator } from "./logistic";
import type { MetricRow } from "./metrics";
import { requireColumn, type MlColumns } from "./table";
import type { ClassLabel } from "./target";

export const MODEL_FORMAT = "assetbook.ml/1";

export type Estimator = LinearEstimator | LogisticEstimator | ForestEstimator | BoostingEstimator;

export interface ImportanceRow {
  feature: string;
  importance: number;
}

export interface MlModel {
  format: typeof MODEL_FORMAT;
  model: MlModelKind;
  task: MlTask;
  target: string;
  features: string[];
  params: ResolvedParams;
  encoders: FeatureEncoder[];
  /** Class labels in code order; empty for regression. */
  classes: ClassLabel[];
  estimator: Estimator;
  trainRows: number;
  testRows: number;
  metrics: MetricRow[];
  importance: ImportanceRow[];
}

/** The model's feature columns of a table, encoded as in training. */
export function encodeTable(model: Pick<MlModel, "features" | "encoders">, table: MlColumns, rowCount: number): EncodedMatrix {
  const columns = model.features.map((name) => requireColumn(table, name, "features"));
  return encodeFeatures(model.encoders, columns, rowCount);
}

/** Regression: one value per row. Classification: rowCount × classes probabilities. */
export function predictScores(estimator: Estimator, columns: readonly Float64Array[], rowCount: number): Float64Array {
  switch (estimator.kind) {
    case "linear":
      return predictLinear(estimator, columns, rowCount);
    case "logistic":
      return predictLogistic(estimator, columns, rowCount);
    case "forest":
      return predictForest(estimator, columns, rowCount);
    case "boosting":
      return predictBoosting(estimator, columns, rowCount);
    default: {
      const unexpected: never = estimator;
      return unexpected;
    }
  }
}
