import { describe, expect, it } from "vitest";
import { MlCancelledError, MlInputError } from "./errors";
import { nonlinearTable } from "./test-data";
import { trainInThread } from "./thread";
import { trainInProcess, type MlTrainer, type MlTrainRequest } from "./worker-protocol";

// One deep tree on many rows: built in one synchronous stretch, with no yield inside it.
const oneBigTree: MlTrainRequest = {
  config: { target: "y", features: ["x1", "x2", "noise"], model: "random_forest", params: { trees: 1, max_depth: 14 } },
  table: nonlinearTable(100_000),
};

/** How many times a 5 ms interval fired while `trainer` trained: the event loop's turns meanwhile. */
async function ticksWhileTraining(trainer: MlTrainer, request: MlTrainRequest) {
  let ticks = 0;
  const interval = setInterval(() => ticks++, 5);
  try {
    const outputs = await trainer(request, {});
    return { ticks, outputs };
  } finally {
    clearInterval(interval);
  }
}

describe("trainInThread", () => {
  it("keeps the event loop turning while it trains, and trains the same model as in process", async () => {
    const inThread = await ticksWhileTraining(trainInThread, oneBigTree);
    const inProcess = await ticksWhileTraining(trainInProcess, oneBigTree);
    // The control: in process, the tree is built in one synchronous stretch, and training yields
    // to the event loop only between trees (at most once for one tree).
    expect(inProcess.ticks).toBeLessThanOrEqual(1);
    // On a thread the event loop goes on all along (starting the thread alone takes many turns).
    expect(inThread.ticks).toBeGreaterThan(10);
    expect(inThread.outputs).toEqual(inProcess.outputs);
  });

  it("terminates the thread when the signal aborts: a training of hours ends", async () => {
    const controller = new AbortController();
    const endless: MlTrainRequest = { ...oneBigTree, config: { ...oneBigTree.config, params: { trees: 1_000_000, max_depth: 14 } } };
    let built = 0;
    const training = trainInThread(endless, {
      signal: controller.signal,
      onProgress: (done) => {
        built = done;
        controller.abort();
      },
    });
    await expect(training).rejects.toBeInstanceOf(MlCancelledError);
    expect(built).toBeGreaterThan(0);
  });

  it("refuses to start under a signal that already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(trainInThread(oneBigTree, { signal: controller.signal })).rejects.toBeInstanceOf(MlCancelledError);
  });

  it("reports bad input as the MlInputError that names the field", async () => {
    const bad: MlTrainRequest = { ...oneBigTree, config: { ...oneBigTree.config, features: ["x1", "missing"] } };
    const error: unknown = await trainInThread(bad, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MlInputError);
    if (error instanceof MlInputError) {
      expect(error.field).toBe("features");
      expect(error.message).toContain("missing");
    }
  });
});
