import { describe, expect, it } from "vitest";
import { train, type MetricRow } from "./index";
import type { Estimator } from "./model";
import { nonlinearTable, uniformColumn, xorTable } from "./test-data";

/** The depth of a one-tree forest's tree. */
function treeDepth(estimator: Estimator): number {
  if (estimator.kind !== "forest") throw new Error(`not a forest: ${estimator.kind}`);
  const { feature, child } = estimator.trees[0]!;
  const depthOf = (node: number): number => (feature[node]! < 0 ? 0 : 1 + Math.max(depthOf(child[node]!), depthOf(child[node]! + 1)));
  return depthOf(0);
}

const metric = (metrics: MetricRow[], name: string, split: "train" | "test") =>
  metrics.find((row) => row.metric === name && row.split === split)?.value ?? NaN;

describe("classification", () => {
  const xor = xorTable(2000);

  it("separates XOR with trees but not with logistic regression", async () => {
    for (const model of ["random_forest", "gradient_boosting"] as const) {
      const { metrics } = await train({ target: "label", features: ["a", "b"], model }, xor);
      expect(metric(metrics, "accuracy", "test"), model).toBeGreaterThan(0.95);
    }
    const { metrics } = await train({ target: "label", features: ["a", "b"], model: "logistic" }, xor);
    expect(metric(metrics, "accuracy", "test")).toBeLessThan(0.7);
  });

  it("logistic regression separates linearly separable data", async () => {
    // Points off a margin around the line a + 2b = 0.1.
    const a: number[] = [];
    const b: number[] = [];
    const candidatesA = uniformColumn(11, 800, -1, 1);
    const candidatesB = uniformColumn(12, 800, -1, 1);
    candidatesA.forEach((value, i) => {
      if (Math.abs(value + 2 * candidatesB[i]! - 0.1) < 0.2 || a.length === 400) return;
      a.push(value);
      b.push(candidatesB[i]!);
    });
    const label = a.map((value, i) => value + 2 * b[i]! > 0.1);
    const { metrics, model, predictions } = await train({ target: "label", features: ["a", "b"], model: "logistic" }, { a, b, label });
    expect(metric(metrics, "accuracy", "train")).toBe(1);
    expect(metric(metrics, "accuracy", "test")).toBe(1);
    expect(model.classes).toEqual([false, true]);
    expect(predictions.columns).toEqual(["_row", "predicted", "p_false", "p_true", "split"]);
    const pTrue = predictions.data["p_true"]!;
    const pFalse = predictions.data["p_false"]!;
    expect(Number(pTrue[0]) + Number(pFalse[0])).toBeCloseTo(1, 12);
  });

  it("handles three classes (softmax boosting, forest distributions)", async () => {
    const x = uniformColumn(21, 1500, 0, 3);
    const band = x.map((value) => (value < 1 ? "low" : value < 2 ? "mid" : "high"));
    for (const model of ["random_forest", "gradient_boosting", "logistic"] as const) {
      const { metrics, model: trained, predictions } = await train({ target: "band", features: ["x"], model }, { x, band });
      expect(trained.classes).toEqual(["high", "low", "mid"]);
      expect(metric(metrics, "accuracy", "test"), model).toBeGreaterThan(0.95);
      expect(metric(metrics, "f1_macro", "test"), model).toBeGreaterThan(0.95);
      expect(predictions.columns).toEqual(["_row", "predicted", "p_high", "p_low", "p_mid", "split"]);
    }
  });
});

describe("regression trees", () => {
  const data = nonlinearTable(3000);

  it("fit a nonlinear function well and rank the informative features first", async () => {
    for (const model of ["random_forest", "gradient_boosting"] as const) {
      const { metrics, importance } = await train({ target: "y", features: ["noise", "x1", "x2"], model }, data);
      expect(metric(metrics, "r2", "test"), model).toBeGreaterThan(0.95);
      expect(importance.reduce((sum, row) => sum + row.importance, 0)).toBeCloseTo(1, 12);
      expect(importance[2]!.feature, model).toBe("noise");
    }
    const { metrics } = await train({ target: "y", features: ["x1", "x2"], model: "linear" }, data);
    expect(metric(metrics, "r2", "test")).toBeLessThan(0.3);
  });

  it("max_depth: none grows until the leaves are pure, as scikit-learn's None", async () => {
    const small = nonlinearTable(400);
    const deep = await train({ target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 1, max_depth: "none", max_features: 1 } }, small);
    const capped = await train({ target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 1, max_depth: 3, max_features: 1 } }, small);
    expect(deep.model.params.maxDepth).toBeGreaterThan(100);
    // Unbounded, the tree splits on past the default depth of 10 until its leaves are pure.
    expect(treeDepth(deep.model.estimator)).toBeGreaterThan(10);
    expect(treeDepth(capped.model.estimator)).toBe(3);
    expect(metric(deep.metrics, "mse", "train")).toBeLessThan(metric(capped.metrics, "mse", "train"));
    const fromNull = await train({ target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 1, max_depth: null, max_features: 1 } }, small);
    expect(fromNull.model.params.maxDepth).toBe(deep.model.params.maxDepth);
  });

  it("respects max_depth and min_samples_leaf", async () => {
    const { model } = await train(
      { target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 3, max_depth: 2, min_samples_leaf: 50 } },
      data,
    );
    if (model.estimator.kind !== "forest") throw new Error("expected a forest");
    for (const tree of model.estimator.trees) expect(tree.feature.length).toBeLessThanOrEqual(7);
  });
});

describe("determinism", () => {
  const data = nonlinearTable(800, 5);
  const config = { target: "y", features: ["x1", "x2", "noise"], model: "random_forest" as const, params: { trees: 20, max_features: 0.5 } };

  it("gives identical predictions for the same seed and different ones for another seed", async () => {
    const first = await train(config, data);
    const second = await train(config, data);
    expect(Array.from(second.predictions.data["predicted"]!)).toEqual(Array.from(first.predictions.data["predicted"]!));
    const reseeded = await train({ ...config, params: { ...config.params, seed: 7 } }, data);
    expect(Array.from(reseeded.predictions.data["predicted"]!)).not.toEqual(Array.from(first.predictions.data["predicted"]!));
  });

  it("splits with the split seed: same rows for the same seed", async () => {
    const splitOf = async (seed: number) =>
      Array.from((await train({ ...config, params: { trees: 1 }, split: { seed } }, data)).predictions.data["split"]!);
    expect(await splitOf(1)).toEqual(await splitOf(1));
    expect(await splitOf(1)).not.toEqual(await splitOf(2));
    const splits = await splitOf(1);
    expect(splits.filter((split) => split === "test")).toHaveLength(160);
  });
});
