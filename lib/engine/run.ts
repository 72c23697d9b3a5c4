// A run on the command line: the plan through the executor over a local warehouse, with
// one attempt per cell, materializations recorded in the warehouse's `_assetbook` schema
// and events for the terminal. Extract cells run when given a source context; without one
// they are reported as unsupported, and cells below them still run on tables that exist.
import type { ExtractContext } from "../extract/run";
import type { MlTrainer } from "../ml";
import type { Warehouse } from "../warehouse/types";
import type { RunEvent, RunSummary } from "./events";
import { execute, type ExecutionPlan } from "./executor";
import { extractRunner } from "./extract-runner";
import type { BaselineColumns } from "./materialize";
import { materializeCell } from "./materialize-cell";
import { ensureMetadataTables, recordMaterialization } from "./metadata";

export type { ExecutionPlan } from "./executor";

export interface RunOptions {
  warehouse: Warehouse;
  plan: ExecutionPlan;
  runId?: string;
  onEvent?: (event: RunEvent) => void;
  now?: () => number;
  /** How extract cells reach their sources; without it they are reported as unsupported. */
  extract?: Omit<ExtractContext, "onProgress" | "now">;
  /** What SQL contracts compare with (default: the table each swap replaces). */
  baseline?: BaselineColumns;
  /** Incremental cells are built whole. */
  fullRefresh?: boolean;
}

/** Training on a worker thread (lib/ml/thread), loaded when a model is first trained. */
const trainInThread: MlTrainer = async (request, control) => (await import("../ml/thread")).trainInThread(request, control);

export async function runPlan(options: RunOptions): Promise<RunSummary> {
  const { warehouse, plan } = options;
  const now = options.now ?? (() => performance.now());
  const emit = options.onEvent ?? (() => undefined);
  const runId = options.runId ?? crypto.randomUUID();
  const started = now();
  await ensureMetadataTables(warehouse);
  emit({ type: "run_started", runId, assets: plan.cells.map((c) => c.name) });
  const extract = options.extract === undefined ? null : extractRunner({ ...options.extract, now: options.now, onProgress: (p) => emit({ type: "asset_progress", ...p }) });
  const outcomes = await execute({
    plan,
    warehouse,
    now,
    hooks: {
      // Trained on a worker thread, like the workers do: a long forest never stalls the process.
      attempt: (cell, ctx) => materializeCell(cell, warehouse, { extract, signal: ctx.signal, train: trainInThread, ...(options.baseline ? { baseline: options.baseline } : {}), ...(options.fullRefresh ? { fullRefresh: true } : {}) }),
      async onEvent(event) {
        if (event.type === "asset_started") emit({ type: "asset_started", asset: event.cell.name, kind: event.cell.kind });
        if (event.type !== "asset_finished") return;
        await recordMaterialization(warehouse, runId, event.outcome);
        emit({ type: "asset_finished", outcome: event.outcome });
      },
    },
  });
  const durationMs = now() - started;
  emit({ type: "run_finished", runId, outcomes, durationMs });
  return { runId, outcomes, durationMs, ok: outcomes.every((o) => o.status === "succeeded") };
}
