// The model as JSON (stored in the warehouse as asset `m`) and back. Numbers survive
// JSON.stringify/parse exactly, so a reloaded model predicts bit-for-bit the same.
import { z } from "zod";
import { ML_MODELS, TARGET_TRANSFORMS } from "../notebook/schemas/ml";
import type { Estimator, MlModel } from "./model";
import { MODEL_FORMAT } from "./model";
import { ML_TASKS } from "./config";
import { MlInputError } from "./errors";
import { treeFromJson, treeToJson } from "./tree";

const numbers = z.array(z.number());

const treeJsonSchema = z
  .object({
    outputs: z.number().int().positive(),
    feature: z.array(z.number().int().min(-1)),
    threshold: numbers,
    child: z.array(z.number().int()),
    values: numbers,
  })
  .refine(
    (tree) => {
      const size = tree.feature.length;
      const sameLengths = [tree.threshold, tree.child].every((array) => array.length === size);
      // Children come after their parent, which also rules out cycles.
      const childrenValid = tree.feature.every((feature, node) => {
        const child = tree.child[node] ?? 0;
        return feature < 0 || (child > node && child + 1 < size);
      });
      return size > 0 && sameLengths && childrenValid && tree.values.length === size * tree.outputs;
    },
    { message: "malformed tree" },
  );

const standardization = { mean: numbers, scale: numbers };

const estimatorJsonSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("linear"), ...standardization, intercept: z.number(), coef: numbers }),
  z.object({ kind: z.literal("logistic"), ...standardization, classCount: z.number().int().min(2), weights: numbers }),
  z.object({ kind: z.literal("forest"), offset: z.number(), trees: z.array(treeJsonSchema).min(1) }),
  z.object({
    kind: z.literal("boosting"),
    loss: z.enum(["squared_error", "binary_log_loss", "softmax_log_loss"]),
    init: numbers.min(1),
    rounds: z.array(z.array(treeJsonSchema)),
  }),
]);

const encoderSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("numeric"), name: z.string(), source: z.enum(["number", "boolean", "date"]), fill: z.number() }),
  z.object({ kind: z.literal("one_hot"), name: z.string(), categories: z.array(z.string()) }),
  z.object({ kind: z.literal("ordinal"), name: z.string(), categories: z.array(z.string()) }),
]);

const modelJsonSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  model: z.enum(ML_MODELS),
  task: z.enum(ML_TASKS),
  target: z.string(),
  features: z.array(z.string()).min(1),
  params: z.object({
    trees: z.number(),
    maxDepth: z.number(),
    learningRate: z.number(),
    minSamplesLeaf: z.number(),
    maxFeatures: z.union([z.number(), z.enum(["sqrt", "log2"])]),
    alpha: z.number(),
    seed: z.number(),
    // Models stored before target transforms have none.
    targetTransform: z.enum(TARGET_TRANSFORMS).default("none"),
    testShare: z.number(),
    splitSeed: z.number(),
  }),
  encoders: z.array(encoderSchema),
  classes: z.array(z.union([z.string(), z.number(), z.boolean()])),
  estimator: estimatorJsonSchema,
  trainRows: z.number(),
  testRows: z.number(),
  metrics: z.array(z.object({ metric: z.string(), split: z.enum(["train", "test"]), value: z.number() })),
  importance: z.array(z.object({ feature: z.string(), importance: z.number() })),
});

export type MlModelJson = z.infer<typeof modelJsonSchema>;
type EstimatorJson = z.infer<typeof estimatorJsonSchema>;

export function modelToJson(model: MlModel): MlModelJson {
  return { ...model, estimator: estimatorToJson(model.estimator) };
}

/** A model from its JSON (an object or a string); an MlInputError on field `model` if malformed. */
export function modelFromJson(json: unknown): MlModel {
  const parsed = modelJsonSchema.safeParse(typeof json === "string" ? JSON.parse(json) : json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new MlInputError("model", `not a model: ${issue?.path.join(".") ?? ""} ${issue?.message ?? ""}`.trim());
  }
  return { ...parsed.data, format: MODEL_FORMAT, estimator: estimatorFromJson(parsed.data.estimator) };
}

function estimatorToJson(estimator: Estimator): EstimatorJson {
  switch (estimator.kind) {
    case "linear":
    case "logistic":
      return estimator;
    case "forest":
      return { ...estimator, trees: estimator.trees.map(treeToJson) };
    case "boosting":
      return { ...estimator, rounds: estimator.rounds.map((trees) => trees.map(treeToJson)) };
    default: {
      const unexpected: never = estimator;
      return unexpected;
    }
  }
}

function estimatorFromJson(json: EstimatorJson): Estimator {
  switch (json.kind) {
    case "linear":
    case "logistic":
      return json;
    case "forest":
      return { ...json, trees: json.trees.map(treeFromJson) };
    case "boosting":
      return { ...json, rounds: json.rounds.map((trees) => trees.map(treeFromJson)) };
    default: {
      const unexpected: never = json;
      return unexpected;
    }
  }
}
