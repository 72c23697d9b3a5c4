// Trains an ml cell in a Web Worker, so the page never freezes: the page reads the `from`
// (and `predict_on`) table from its warehouse, the worker runs lib/ml `train` and posts back
// the outputs, which the page writes with the same one-swap layout as the CLI and workers.
import { mlCellConfig, mlFailure, mlInputFailure, readMlTable, writeMlOutputs } from "@/lib/engine/materialize-ml";
import type { MaterializeResult } from "@/lib/engine/materialize";
import type { MlOutputs, MlWorkerFailure, MlWorkerRequest, MlWorkerResponse } from "@/lib/ml";
import type { MlCell } from "@/lib/notebook/types";
import type { Warehouse } from "@/lib/warehouse/types";

export const CANCELLED_REASON = "training cancelled; the previous outputs are kept";

export interface MlTrainingHandle {
  /** Settles with the outputs, or the failure (cancelled, bad input naming the field). */
  result: Promise<{ ok: true; outputs: MlOutputs } | { ok: false; failure: MlWorkerFailure }>;
  cancel: () => void;
}

export interface MlTrainingCallbacks {
  onProgress?: (built: number, total: number) => void;
}

/** Starts one training in a fresh worker; the worker is gone once it settles. */
export function startTraining(request: Extract<MlWorkerRequest, { type: "train" }>, callbacks: MlTrainingCallbacks = {}): MlTrainingHandle {
  const worker = new Worker(new URL("./ml.worker.ts", import.meta.url), { type: "module", name: "assetbook-ml" });
  let settle: (value: Awaited<MlTrainingHandle["result"]>) => void = () => undefined;
  const result = new Promise<Awaited<MlTrainingHandle["result"]>>((resolve) => {
    settle = resolve;
  });
  const finish = (value: Awaited<MlTrainingHandle["result"]>) => {
    worker.terminate();
    settle(value);
  };
  worker.addEventListener("message", (event: MessageEvent<MlWorkerResponse>) => {
    const message = event.data;
    switch (message.type) {
      case "progress":
        callbacks.onProgress?.(message.built, message.total);
        break;
      case "done":
        finish({ ok: true, outputs: message.outputs });
        break;
      case "failed":
        finish({ ok: false, failure: message.failure });
        break;
      default: {
        const unexpected: never = message;
        return unexpected;
      }
    }
  });
  worker.addEventListener("error", (event) => {
    const where = event.filename ? ` (${event.filename}:${event.lineno}:${event.colno})` : "";
    finish({ ok: false, failure: { kind: "error", message: `${event.message || "the training worker failed"}${where}` } });
  });
  worker.postMessage(request satisfies MlWorkerRequest);
  return { result, cancel: () => worker.postMessage({ type: "cancel" } satisfies MlWorkerRequest) };
}

/** Materializes an ml cell in the browser: read, train in the worker, write the four tables. */
export async function materializeMlInWorker(
  warehouse: Warehouse,
  cell: MlCell,
  callbacks: MlTrainingCallbacks & { started?: (handle: MlTrainingHandle) => void } = {},
): Promise<MaterializeResult> {
  const checked = mlCellConfig(cell);
  if (!checked.ok) return checked.failure;
  let table;
  let predictOn;
  try {
    table = await readMlTable(warehouse, cell.config.from);
    predictOn = checked.predictOn ? await readMlTable(warehouse, checked.predictOn) : undefined;
  } catch (error) {
    return mlInputFailure(cell.name, error);
  }
  const handle = startTraining({ type: "train", config: checked.config, table, predictOn }, callbacks);
  callbacks.started?.(handle);
  const outcome = await handle.result;
  if (outcome.ok) return writeMlOutputs(warehouse, cell.name, outcome.outputs);
  const { failure } = outcome;
  switch (failure.kind) {
    case "input":
      return mlFailure(cell.name, `${failure.field}: ${failure.message}`);
    case "cancelled":
      return mlFailure(cell.name, CANCELLED_REASON);
    case "error":
      return mlFailure(cell.name, failure.message);
    default: {
      const unexpected: never = failure;
      return unexpected;
    }
  }
}
