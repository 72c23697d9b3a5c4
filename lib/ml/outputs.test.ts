import { describe, expect, it } from "vitest";
import { MlCancelledError, modelFromJson, modelToJson, predict, train, type MlColumns, type MlTrainConfig } from "./index";
import { classificationMetrics, regressionMetrics } from "./metrics";
import { nonlinearTable, uniformColumn, xorTable } from "./test-data";

describe("missing values", () => {
  const n = 200;
  const x = uniformColumn(1, n, 0, 10);
  const withHoles = x.map((value, i) => (i % 10 === 0 ? null : value));
  const flag = x.map((value, i) => (i % 7 === 0 ? null : value > 2));
  const y = x.map((value, i) => (i % 25 === 3 ? null : 2 * value + 1));

  it("imputes the median and the most frequent value, stores them, and predicts rows without a target", async () => {
    const { model, predictions } = await train({ target: "y", features: ["x", "flag"], model: "linear" }, { x: withHoles, flag, y });
    const [numeric, boolean] = model.encoders;
    expect(numeric).toMatchObject({ kind: "numeric", source: "number" });
    expect(boolean).toEqual({ kind: "numeric", name: "flag", source: "boolean", fill: 1 });
    const trainValues = x.filter((_, i) => i % 10 !== 0 && i % 25 !== 3 && predictions.data["split"]![i] === "train");
    const sorted = [...trainValues].sort((a, b) => a - b);
    const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
    expect(numeric?.kind === "numeric" ? numeric.fill : NaN).toBe(median);
    const splits = Array.from(predictions.data["split"]!);
    expect(splits.filter((split) => split === "predict")).toHaveLength(8);
    expect(splits[3]).toBe("predict");
    expect(Number.isFinite(Number(predictions.data["predicted"]![3]))).toBe(true);
    expect(model.trainRows + model.testRows).toBe(192);
  });
});

describe("categorical features for trees", () => {
  it("encodes strings as frequency-ordered codes, and unseen values as the most frequent", async () => {
    const n = 600;
    const city = Array.from({ length: n }, (_, i) => (i % 6 < 3 ? "paris" : i % 6 < 5 ? "lyon" : "nice"));
    const price = city.map((name, i) => (name === "paris" ? 10 : name === "lyon" ? 5 : 1) + (i % 2) * 0.01);
    const { model, metrics } = await train({ target: "price", features: ["city"], model: "gradient_boosting" }, { city, price });
    expect(model.encoders[0]).toEqual({ kind: "ordinal", name: "city", categories: ["paris", "lyon", "nice"] });
    expect(metrics.find((m) => m.metric === "r2" && m.split === "test")!.value).toBeGreaterThan(0.99);
    const scored = predict(model, { city: ["nice", "atlantis", null] });
    const [nice, unseen, missing] = Array.from(scored.data["predicted"]!, Number);
    expect(nice).toBeCloseTo(1, 1);
    expect(unseen).toBeCloseTo(10, 1);
    expect(missing).toBe(unseen);
  });

  it("reads dates as epoch seconds", async () => {
    const day = 86_400_000;
    const when = Array.from({ length: 300 }, (_, i) => new Date(Date.UTC(2024, 0, 1) + (i % 60) * day));
    const late = when.map((date) => date.getTime() > Date.UTC(2024, 0, 31));
    const { model, metrics } = await train({ target: "late", features: ["when"], model: "random_forest", params: { trees: 5 } }, { when, late });
    expect(model.encoders[0]).toMatchObject({ kind: "numeric", source: "date" });
    expect(metrics.find((m) => m.metric === "accuracy" && m.split === "test")!.value).toBe(1);
  });
});

describe("model JSON", () => {
  const regression = nonlinearTable(400);
  const xor = xorTable(400);
  const x = uniformColumn(4, 300, 0, 3);
  const bands = { x, band: x.map((value) => (value < 1 ? "low" : value < 2 ? "mid" : "high")) };
  const cases: [MlTrainConfig, MlColumns][] = [
    [{ target: "y", features: ["x1", "x2"], model: "linear" }, regression],
    [{ target: "y", features: ["x1", "x2"], model: "ridge" }, regression],
    [{ target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 10 } }, regression],
    [{ target: "y", features: ["x1", "x2"], model: "gradient_boosting", params: { trees: 10 } }, regression],
    [{ target: "label", features: ["a", "b"], model: "logistic" }, xor],
    [{ target: "label", features: ["a", "b"], model: "random_forest", params: { trees: 10 } }, xor],
    [{ target: "label", features: ["a", "b"], model: "gradient_boosting", params: { trees: 10 } }, xor],
    [{ target: "band", features: ["x"], model: "gradient_boosting", params: { trees: 10 } }, bands],
    [{ target: "band", features: ["x"], model: "random_forest", params: { trees: 10 } }, bands],
  ];

  it.each(cases)("round-trips $model and predicts identically", async (config, table) => {
    const { model, predictions } = await train(config, table);
    const text = JSON.stringify(modelToJson(model));
    const reloaded = modelFromJson(text);
    const again = predict(reloaded, table);
    for (const column of predictions.columns.filter((name) => name === "predicted" || name.startsWith("p_"))) {
      expect(Array.from(again.data[column]!), column).toEqual(Array.from(predictions.data[column]!));
    }
    expect(JSON.stringify(modelToJson(reloaded))).toBe(text);
  });

  it("rejects JSON that is not a model", () => {
    expect(() => modelFromJson({ format: "assetbook.ml/1" })).toThrow(/not a model/);
  });
});

describe("predict_on and keys", () => {
  it("scores another table and carries its key columns", async () => {
    const data = nonlinearTable(300);
    const other = { id: ["r1", "r2"], x1: [0.5, -1], x2: [1, 0], noise: [0, 0] };
    const { predictions } = await train({ target: "y", features: ["x1", "x2"], model: "gradient_boosting", key: "id" }, data, {
      predictOn: other,
    });
    expect(predictions.columns).toEqual(["id", "predicted", "split"]);
    expect(Array.from(predictions.data["id"]!)).toEqual(["r1", "r2"]);
    expect(Array.from(predictions.data["split"]!)).toEqual(["predict", "predict"]);
  });
});

describe("progress and cancel", () => {
  const data = nonlinearTable(300);
  const config: MlTrainConfig = { target: "y", features: ["x1", "x2"], model: "random_forest", params: { trees: 12 } };

  it("reports each tree built", async () => {
    const reports: [number, number][] = [];
    await train(config, data, { onProgress: (built, total) => reports.push([built, total]) });
    expect(reports).toEqual(Array.from({ length: 12 }, (_, i) => [i + 1, 12]));
  });

  it("stops between trees when the signal aborts", async () => {
    const controller = new AbortController();
    let built = 0;
    const run = train(config, data, {
      signal: controller.signal,
      onProgress: (count) => {
        built = count;
        if (count === 3) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(MlCancelledError);
    expect(built).toBe(3);
  });
});

describe("metrics", () => {
  it("computes r2, mae, mse and rmse", () => {
    const rows = Uint32Array.from([0, 1, 2, 3]);
    const metrics = regressionMetrics(Float64Array.from([1, 2, 3, 4]), Float64Array.from([1, 2, 3, 6]), rows, "test");
    expect(metrics).toEqual([
      { metric: "r2", split: "test", value: 1 - 4 / 5 },
      { metric: "mae", split: "test", value: 0.5 },
      { metric: "mse", split: "test", value: 1 },
      { metric: "rmse", split: "test", value: 1 },
    ]);
  });

  it("computes accuracy, macro f1 and log loss", () => {
    const rows = Uint32Array.from([0, 1, 2, 3]);
    const probabilities = Float64Array.from([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7]);
    const metrics = classificationMetrics(Int32Array.from([0, 1, 1, 1]), Int32Array.from([0, 1, 0, 1]), probabilities, 2, rows, "train");
    const [accuracy, f1, logLoss] = metrics.map((row) => row.value);
    expect(accuracy).toBe(0.75);
    // class 0: tp 1, actual 1, predicted 2 -> 2/3; class 1: tp 2, actual 3, predicted 2 -> 4/5.
    expect(f1).toBeCloseTo((2 / 3 + 4 / 5) / 2, 12);
    expect(logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.7)) / 4, 12);
  });
});

describe("target_transform", () => {
  // y grows exponentially in x: a linear model fits log1p(y) exactly, and y itself badly.
  const x = uniformColumn(31, 300, 0, 5);
  const y = x.map((value) => Math.expm1(0.8 * value + 0.5));
  const r2 = (metrics: { metric: string; split: string; value: number }[]) => metrics.find((m) => m.metric === "r2" && m.split === "test")!.value;

  it("fits log1p(y), predicts on y's scale, and scores against y", async () => {
    const plain = await train({ target: "y", features: ["x"], model: "linear" }, { x, y });
    const logged = await train({ target: "y", features: ["x"], model: "linear", target_transform: "log1p" }, { x, y });
    expect(r2(plain.metrics)).toBeLessThan(0.95);
    expect(r2(logged.metrics)).toBeGreaterThan(0.999999);
    expect(Number(logged.predictions.data["predicted"]![0])).toBeCloseTo(y[0]!, 6);
    // A stored model still inverts: predictions from its JSON are on y's scale.
    const reloaded = modelFromJson(JSON.parse(JSON.stringify(modelToJson(logged.model))));
    expect(reloaded.params.targetTransform).toBe("log1p");
    expect(Number(predict(reloaded, { x: [2] }).data["predicted"]![0])).toBeCloseTo(Math.expm1(2.1), 6);
  });

  it("sqrt inverts by squaring and never predicts below zero", async () => {
    const root = x.map((value) => (value + 1) ** 2);
    const { metrics, model } = await train({ target: "y", features: ["x"], model: "linear", target_transform: "sqrt" }, { x, y: root });
    expect(r2(metrics)).toBeGreaterThan(0.999999);
    expect(Number(predict(model, { x: [-3] }).data["predicted"]![0])).toBe(0);
  });

  it("names the target when a value is outside the transform's domain, and refuses classification", async () => {
    await expect(train({ target: "y", features: ["x"], model: "linear", target_transform: "log1p" }, { x: [1, 2, 3], y: [0, -1, 2] })).rejects.toThrow(
      /log1p needs every "y" greater than -1; found -1/,
    );
    await expect(train({ target: "y", features: ["x"], model: "linear", target_transform: "sqrt" }, { x: [1, 2, 3], y: [1, -0.5, 2] })).rejects.toThrow(
      /sqrt needs every "y" 0 or more/,
    );
    const label = x.map((value) => value > 2.5);
    await expect(train({ target: "label", features: ["x"], model: "random_forest", target_transform: "log1p" }, { x, label })).rejects.toThrow(
      /only for regression/,
    );
  });

  it("a model stored before transforms existed loads with none", async () => {
    const { model } = await train({ target: "y", features: ["x"], model: "linear" }, { x, y });
    const json = modelToJson(model);
    const olderParams: Record<string, unknown> = { ...json.params };
    delete olderParams["targetTransform"];
    expect(modelFromJson({ ...json, params: olderParams }).params.targetTransform).toBe("none");
  });
});
