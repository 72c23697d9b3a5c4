import { describe, expect, it } from "vitest";
import { train, unstandardizedCoefficients } from "./index";
import { uniformColumn } from "./test-data";

const n = 500;
const x1 = uniformColumn(1, n, -10, 10);
const x2 = uniformColumn(2, n, 0, 100);
const y = x1.map((value, i) => 3 * value - 2 * x2[i]! + 5);

describe("linear regression", () => {
  it("recovers y = 3 x1 - 2 x2 + 5 to 1e-6, predictions and coefficients", async () => {
    const { model, predictions, metrics } = await train({ target: "y", features: ["x1", "x2"], model: "linear" }, { x1, x2, y });
    expect(model.estimator.kind).toBe("linear");
    if (model.estimator.kind !== "linear") return;
    const { intercept, coef } = unstandardizedCoefficients(model.estimator);
    expect(coef[0]).toBeCloseTo(3, 6);
    expect(coef[1]).toBeCloseTo(-2, 6);
    expect(intercept).toBeCloseTo(5, 6);
    const predicted = predictions.data["predicted"]!;
    for (let i = 0; i < n; i++) expect(Math.abs(Number(predicted[i]) - y[i]!)).toBeLessThan(1e-6);
    const testR2 = metrics.find((m) => m.metric === "r2" && m.split === "test")?.value;
    expect(testR2).toBeCloseTo(1, 9);
  });

  it("ridge shrinks the coefficients, more with a larger alpha", async () => {
    const norms: number[] = [];
    for (const alpha of [0, 10, 1000]) {
      const { model } = await train({ target: "y", features: ["x1", "x2"], model: "ridge", params: { alpha } }, { x1, x2, y });
      if (model.estimator.kind !== "linear") throw new Error("expected a linear estimator");
      norms.push(Math.hypot(...model.estimator.coef));
    }
    expect(norms[1]!).toBeLessThan(norms[0]!);
    expect(norms[2]!).toBeLessThan(norms[1]! / 2);
  });

  it("ranks features by |standardized coefficient|, summing to 1", async () => {
    const noise = uniformColumn(9, n, 0, 1);
    const { importance } = await train({ target: "y", features: ["noise", "x1", "x2"], model: "linear" }, { x1, x2, noise, y });
    expect(importance[0]!.feature).toBe("x2");
    expect(importance.reduce((sum, row) => sum + row.importance, 0)).toBeCloseTo(1, 12);
    expect(importance.find((row) => row.feature === "noise")!.importance).toBeLessThan(1e-6);
  });

  it("one-hot encodes a low-cardinality string column and recovers its effects", async () => {
    const levels = ["a", "b", "c"];
    const effect: Record<string, number> = { a: 1, b: 5, c: -2 };
    const color = x1.map((_, i) => levels[i % 3]!);
    const target = x1.map((value, i) => effect[color[i]!]! + 0.5 * value);
    const { model, predictions } = await train({ target: "t", features: ["color", "x1"], model: "linear" }, { color, x1, t: target });
    const encoder = model.encoders[0];
    expect(encoder?.kind).toBe("one_hot");
    if (encoder?.kind === "one_hot") expect([...encoder.categories].sort()).toEqual(["a", "b", "c"]);
    const predicted = predictions.data["predicted"]!;
    for (let i = 0; i < n; i++) expect(Math.abs(Number(predicted[i]) - target[i]!)).toBeLessThan(1e-6);
  });
});
