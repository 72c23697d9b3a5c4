// The messages between the page and the ML training worker (app/_lib/ml.worker.ts).
import type { MlOutputs } from "@/lib/engine/materialize-ml";
import type { MlColumns, MlTrainConfig } from "@/lib/ml";

export type MlWorkerRequest =
  | { type: "train"; config: MlTrainConfig; table: MlColumns; predictOn?: MlColumns }
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
