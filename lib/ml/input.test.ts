import { describe, expect, it } from "vitest";
import { MlInputError, train, type MlTrainConfig, type MlColumns, type MlValue } from "./index";
import { uniformColumn } from "./test-data";

async function inputError(config: MlTrainConfig, table: MlColumns): Promise<MlInputError> {
  try {
    await train(config, table);
  } catch (error) {
    if (error instanceof MlInputError) return error;
    throw error;
  }
  throw new Error("expected an MlInputError");
}

const x = uniformColumn(1, 50, 0, 1);
const y = x.map((value) => value * 2);

describe("bad input", () => {
  it("names a missing target column and lists the available ones", async () => {
    const error = await inputError({ target: "price", features: ["x"], model: "linear" }, { x, y });
    expect(error.field).toBe("target");
    expect(error.message).toContain('"price"');
    expect(error.message).toContain("x, y");
  });

  it("names a missing feature column", async () => {
    const error = await inputError({ target: "y", features: ["x", "z"], model: "random_forest" }, { x, y });
    expect(error.field).toBe("features");
    expect(error.message).toContain('"z"');
    expect(error.message).toContain("x, y");
  });

  it("rejects a target with a single class", async () => {
    const error = await inputError(
      { target: "label", features: ["x"], model: "logistic" },
      { x, label: x.map(() => "yes") },
    );
    expect(error.field).toBe("target");
    expect(error.message).toContain("single class");
  });

  it("rejects an empty table and a table with no target values", async () => {
    const empty = await inputError({ target: "y", features: ["x"], model: "linear" }, { x: [], y: [] });
    expect(empty.field).toBe("from");
    const noTargets = await inputError({ target: "y", features: ["x"], model: "linear" }, { x, y: x.map(() => null) });
    expect(noTargets.field).toBe("from");
    expect(noTargets.message).toContain("50 rows");
  });

  it("rejects a non-numeric target for regression", async () => {
    const label = x.map((value) => (value > 0.5 ? "big" : "small"));
    for (const config of [
      { target: "label", features: ["x"], model: "linear" },
      { target: "label", features: ["x"], model: "gradient_boosting", task: "regression" },
    ] satisfies MlTrainConfig[]) {
      const error = await inputError(config, { x, label });
      expect(error.field).toBe("target");
      expect(error.message).toContain("not numeric");
    }
  });

  it("rejects a model that cannot do the task, and the target listed as a feature", async () => {
    expect((await inputError({ target: "y", features: ["x"], model: "logistic", task: "regression" }, { x, y })).field).toBe("task");
    expect((await inputError({ target: "y", features: ["x", "y"], model: "linear" }, { x, y })).field).toBe("features");
    expect((await inputError({ target: "y", features: ["x"], model: "linear", key: "id" }, { x, y })).field).toBe("key");
  });

  it("rejects columns of different lengths", async () => {
    expect((await inputError({ target: "y", features: ["x"], model: "linear" }, { x, y: [1, 2] })).field).toBe("from");
  });
});

describe("task inference", () => {
  const inferred = async (t: MlValue[]) => {
    const { model } = await train({ target: "t", features: ["x"], model: "random_forest", params: { trees: 2 } }, { x, t });
    return model.task;
  };
  it("reads strings, booleans and few integers as classes, other numbers as regression", async () => {
    expect(await inferred(x.map((value) => (value > 0.5 ? "a" : "b")))).toBe("classification");
    expect(await inferred(x.map((value) => value > 0.5))).toBe("classification");
    expect(await inferred(x.map((value) => Math.floor(value * 3)))).toBe("classification");
    expect(await inferred(x.map((value) => Math.floor(value * 40)))).toBe("regression");
    expect(await inferred(x.map((value) => value + 0.5))).toBe("regression");
  });
});
