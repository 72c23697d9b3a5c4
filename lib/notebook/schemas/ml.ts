import { z } from "zod";
import { commonCellKeys, placementKeys, tableNameSchema } from "./common";

export const ML_MODELS = ["linear", "ridge", "logistic", "random_forest", "gradient_boosting"] as const;
const TREE_MODELS: readonly string[] = ["random_forest", "gradient_boosting"];

/** Target transforms for regression, as scikit-learn's TransformedTargetRegressor: fit on f(y), predict f⁻¹. */
export const TARGET_TRANSFORMS = ["none", "log1p", "sqrt"] as const;

export const mlParamsSchema = z.strictObject({
  trees: z.number().int().min(1).optional(),
  /** A depth, or `none` (YAML `null` too) to grow until leaves are pure, as scikit-learn's `max_depth=None`. */
  max_depth: z.union([z.number().int().min(1), z.literal("none"), z.null()]).optional(),
  learning_rate: z.number().positive().optional(),
  min_samples_leaf: z.number().int().min(1).optional(),
  /** A count of features, a share of them (0–1], or `sqrt` / `log2`. */
  max_features: z.union([z.number().positive(), z.enum(["sqrt", "log2"])]).optional(),
  alpha: z.number().nonnegative().optional(),
  seed: z.number().int().optional(),
});

export const mlConfigSchema = z
  .strictObject({
    from: tableNameSchema,
    target: z.string().min(1),
    features: z.array(z.string().min(1)).min(1),
    model: z.enum(ML_MODELS),
    task: z.enum(["regression", "classification"]).optional(),
    target_transform: z.enum(TARGET_TRANSFORMS).optional(),
    params: mlParamsSchema.optional(),
    split: z.strictObject({ test: z.number().gt(0).lt(1).optional(), seed: z.number().int().optional() }).optional(),
    predict_on: tableNameSchema.optional(),
    /** Columns copied into the predictions to identify each row (default: a `_row` index). */
    key: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    ...commonCellKeys,
    ...placementKeys,
  })
  .superRefine((config, ctx) => {
    if (config.model === "logistic" && config.task === "regression") {
      ctx.addIssue({ code: "custom", path: ["task"], message: "logistic is a classification model" });
    }
    if ((config.model === "linear" || config.model === "ridge") && config.task === "classification") {
      ctx.addIssue({ code: "custom", path: ["task"], message: `${config.model} is a regression model; use logistic` });
    }
    if (config.features.includes(config.target)) {
      ctx.addIssue({ code: "custom", path: ["features"], message: `the target "${config.target}" cannot be a feature` });
    }
    if (config.target_transform !== undefined && config.target_transform !== "none" && (config.model === "logistic" || config.task === "classification")) {
      ctx.addIssue({ code: "custom", path: ["target_transform"], message: "only for regression" });
    }
    const params = config.params ?? {};
    for (const key of ["trees", "max_depth", "min_samples_leaf", "max_features"] as const) {
      if (params[key] !== undefined && !TREE_MODELS.includes(config.model)) {
        ctx.addIssue({ code: "custom", path: ["params", key], message: `only for random_forest and gradient_boosting` });
      }
    }
    if (params.learning_rate !== undefined && config.model !== "gradient_boosting") {
      ctx.addIssue({ code: "custom", path: ["params", "learning_rate"], message: "only for gradient_boosting" });
    }
  });

export type MlSpec = z.infer<typeof mlConfigSchema>;
