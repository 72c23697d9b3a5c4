// The ml cell config as lib/ml reads it, and the parameter defaults.
// It reuses the notebook's model list, params schema and target transforms.
// The object is not strict, so a whole parsed notebook cell (from, predict_on, ...) passes.
import { z } from "zod";
import { ML_MODELS, TARGET_TRANSFORMS, mlParamsSchema } from "../notebook/schemas/ml";

export const ML_TASKS = ["regression", "classification"] as const;
export type MlTask = (typeof ML_TASKS)[number];
export type MlModelKind = (typeof ML_MODELS)[number];

export const mlTrainConfigSchema = z.object({
  target: z.string().min(1),
  features: z.array(z.string().min(1)).min(1),
  model: z.enum(ML_MODELS),
  task: z.enum(ML_TASKS).optional(),
  target_transform: z.enum(TARGET_TRANSFORMS).optional(),
  params: mlParamsSchema.optional(),
  split: z.object({ test: z.number().min(0).lt(1).optional(), seed: z.number().int().optional() }).optional(),
  /** Columns copied from the scored table into the predictions; default a `_row` index. */
  key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
});

export type MlTrainConfig = z.input<typeof mlTrainConfigSchema>;
export type MlMaxFeatures = number | "sqrt" | "log2";
export type TargetTransform = (typeof TARGET_TRANSFORMS)[number];

/**
 * `max_depth: none`: a tree grows until its leaves are pure or `min_samples_leaf` stops it.
 * Growth recurses once per level, so the bound keeps a pathological tree off the stack limit;
 * no real table gets near it.
 */
export const UNLIMITED_DEPTH = 1000;

/** Every parameter with its default filled in; stored in the model. */
export interface ResolvedParams {
  trees: number;
  maxDepth: number;
  learningRate: number;
  minSamplesLeaf: number;
  maxFeatures: MlMaxFeatures;
  alpha: number;
  seed: number;
  targetTransform: TargetTransform;
  testShare: number;
  splitSeed: number;
}

export const DEFAULT_TEST_SHARE = 0.2;
export const DEFAULT_SEED = 42;

export function resolveParams(config: MlTrainConfig, task: MlTask): ResolvedParams {
  const params = config.params ?? {};
  const boosting = config.model === "gradient_boosting";
  const splitSeed = config.split?.seed ?? DEFAULT_SEED;
  return {
    trees: params.trees ?? 100,
    // Boosting wants shallow trees (about sklearn's 31 leaves); a forest wants deep ones.
    maxDepth: resolveMaxDepth(params.max_depth, boosting),
    learningRate: params.learning_rate ?? 0.1,
    // sklearn's defaults: 1 for a forest, 20 for histogram boosting.
    minSamplesLeaf: params.min_samples_leaf ?? (boosting ? 20 : 1),
    // sklearn's forest defaults: all features for regression, sqrt for classification.
    maxFeatures: params.max_features ?? (!boosting && task === "classification" ? "sqrt" : 1),
    // Ridge and logistic default to sklearn's alpha = 1 / C = 1; plain linear has none.
    alpha: params.alpha ?? (config.model === "linear" ? 0 : 1),
    seed: params.seed ?? splitSeed,
    targetTransform: config.target_transform ?? "none",
    testShare: config.split?.test ?? DEFAULT_TEST_SHARE,
    splitSeed,
  };
}

function resolveMaxDepth(maxDepth: number | "none" | null | undefined, boosting: boolean): number {
  if (maxDepth === undefined) return boosting ? 5 : 10;
  return maxDepth === "none" || maxDepth === null ? UNLIMITED_DEPTH : maxDepth;
}

/** How many features a split may look at, out of `featureCount`. */
export function featuresPerSplit(maxFeatures: MlMaxFeatures, featureCount: number): number {
  let count: number;
  if (maxFeatures === "sqrt") count = Math.floor(Math.sqrt(featureCount));
  else if (maxFeatures === "log2") count = Math.floor(Math.log2(featureCount));
  else if (maxFeatures <= 1) count = Math.floor(maxFeatures * featureCount);
  else count = Math.floor(maxFeatures);
  return Math.min(featureCount, Math.max(1, count));
}
