// lib/ml: train, evaluate and predict for ml cells. Framework-free and free of node: imports,
// so the same code runs in a browser Web Worker and in Node. The server's worker thread
// (thread.ts) is Node-only and imported by its path, never from here.
export { mlTrainConfigSchema, resolveParams, type MlTrainConfig, type MlTask, type MlModelKind, type ResolvedParams } from "./config";
export { MlCancelledError, MlInputError } from "./errors";
export { MAX_ONE_HOT_CATEGORIES, type FeatureEncoder } from "./features";
export { unstandardizedCoefficients } from "./linear";
export type { MetricRow, MetricSplit } from "./metrics";
export { MODEL_FORMAT, type ImportanceRow, type MlModel } from "./model";
export { modelFromJson, modelToJson, type MlModelJson } from "./model-json";
export { predict, ROW_INDEX_COLUMN, type PredictionSplit, type PredictionTable } from "./outputs";
export type { TrainControl } from "./progress";
export { columnsFromRows, type MlColumn, type MlColumns, type MlValue } from "./table";
export type { ClassLabel } from "./target";
export { splitRows, train, type MlResult, type TrainOptions } from "./train";
export {
  trainingMessageHandler,
  errorOf,
  failureOf,
  mlOutputsOf,
  trainInProcess,
  type MlOutputs,
  type MlTrainer,
  type MlTrainRequest,
  type MlWorkerFailure,
  type MlWorkerRequest,
  type MlWorkerResponse,
} from "./worker-protocol";
