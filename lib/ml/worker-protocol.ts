// Training away from the caller's thread: the messages between a host and its training
// worker (the page's Web Worker, app/_lib/ml.worker.ts; the server's worker thread,
// thread.ts), and the one way a worker answers a request. Plain data only, so a message
// survives structured cloning both ways; browser-safe (no node: imports).
import { MlCancelledError, MlInputError } from "./errors";
import type { MlTrainConfig } from "./config";
import type { MetricRow } from "./metrics";
import type { ImportanceRow } from "./model";
import { modelToJson, type MlModelJson } from "./model-json";
import type { PredictionTable } from "./outputs";
import type { TrainControl } from "./progress";
import type { MlColumns } from "./table";
import { train, type MlResult } from "./train";

/** What an ml cell writes, as plain data (a worker posts it back as is). */
export interface MlOutputs {
  model: MlModelJson;
  metrics: MetricRow[];
  predictions: PredictionTable;
  importance: ImportanceRow[];
}

export function mlOutputsOf(result: MlResult): MlOutputs {
  return { model: modelToJson(result.model), metrics: result.metrics, predictions: result.predictions, importance: result.importance };
}

/** One training: the checked cell config, the `from` table and the optional `predict_on` table. */
export interface MlTrainRequest {
  config: MlTrainConfig;
  table: MlColumns;
  predictOn?: MlColumns;
}

export type MlWorkerRequest =
  | ({ type: "train" } & MlTrainRequest)
  /** Aborts the training's AbortController; the worker answers `failed` with `cancelled`. */
  | { type: "cancel" };

export type MlWorkerFailure =
  | { kind: "input"; field: string; message: string }
  | { kind: "cancelled" }
  | { kind: "error"; message: string };

export type MlWorkerResponse =
  | { type: "progress"; built: number; total: number }
  | { type: "done"; outputs: MlOutputs }
  | { type: "failed"; failure: MlWorkerFailure };

/** How a training runs for a host: here (trainInProcess), or on a thread of its own (thread.ts). */
export type MlTrainer = (request: MlTrainRequest, control: TrainControl) => Promise<MlOutputs>;

export const trainInProcess: MlTrainer = async (request, control) =>
  mlOutputsOf(await train(request.config, request.table, { ...control, predictOn: request.predictOn }));

/** An error as a message can carry it (errors do not survive structured cloning with their class). */
export function failureOf(error: unknown): MlWorkerFailure {
  if (error instanceof MlCancelledError) return { kind: "cancelled" };
  if (error instanceof MlInputError) return { kind: "input", field: error.field, message: error.message };
  return { kind: "error", message: error instanceof Error ? error.message : String(error) };
}

/** The error a failure stands for, with its class back (callers tell bad input from a crash by it). */
export function errorOf(failure: MlWorkerFailure): Error {
  switch (failure.kind) {
    case "input":
      return new MlInputError(failure.field, failure.message);
    case "cancelled":
      return new MlCancelledError();
    case "error":
      return new Error(failure.message);
    default: {
      const unexpected: never = failure;
      return unexpected;
    }
  }
}

/** At most one progress report per interval (and the last one): each report costs the receiver a message, the page a render. */
const PROGRESS_EVERY_MS = 100;

/** A worker's answer to a train request: progress while it trains, then `done` or `failed`. */
async function answerTrainRequest(request: MlTrainRequest, signal: AbortSignal, post: (message: MlWorkerResponse) => void): Promise<void> {
  let lastReport = -Infinity;
  try {
    const outputs = await trainInProcess(request, {
      signal,
      onProgress: (built, total) => {
        const now = performance.now();
        if (built < total && now - lastReport < PROGRESS_EVERY_MS) return;
        lastReport = now;
        post({ type: "progress", built, total });
      },
    });
    post({ type: "done", outputs });
  } catch (error) {
    post({ type: "failed", failure: failureOf(error) });
  }
}

/**
 * What a training worker (the page's Web Worker, the server's thread) does with each
 * message: a `train` request is answered, a `cancel` aborts it between trees.
 */
export function trainingMessageHandler(post: (message: MlWorkerResponse) => void): (request: MlWorkerRequest) => void {
  const controller = new AbortController();
  return (request) => {
    switch (request.type) {
      case "train":
        void answerTrainRequest(request, controller.signal, post);
        break;
      case "cancel":
        controller.abort();
        break;
      default: {
        const unexpected: never = request;
        return unexpected;
      }
    }
  };
}
