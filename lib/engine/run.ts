// Executes a plan over a Warehouse, in graph order. Policy for failures lives here:
// a failed asset skips everything downstream of it; an asset kind this build cannot
// run yet is reported as unsupported, and cells below it still run on the tables
// that already exist.
import type { AssetCell } from "../notebook/types";
import { runExtract, type ExtractContext } from "../extract/run";
import type { Warehouse } from "../warehouse/types";
import type { AssetOutcome, RunEvent, RunSummary } from "./events";
import { materializeChart, materializeSql, type MaterializeResult } from "./materialize";
import { materializeMl } from "./materialize-ml";
import { ensureMetadataTables, recordMaterialization } from "./metadata";

export interface ExecutionPlan {
  /** The cells to run, in topological order. */
  cells: AssetCell[];
  /** Direct upstream asset names of a cell. */
  upstream(name: string): string[];
  /** Every asset downstream of a cell (transitively). */
  descendants(name: string): string[];
}

export interface RunOptions {
  warehouse: Warehouse;
  plan: ExecutionPlan;
  runId?: string;
  onEvent?: (event: RunEvent) => void;
  now?: () => number;
  /** How extract cells reach their sources; without it they are reported as unsupported. */
  extract?: Omit<ExtractContext, "onProgress" | "now">;
}

async function materialize(cell: AssetCell, options: RunOptions): Promise<MaterializeResult | "unsupported"> {
  const { warehouse } = options;
  switch (cell.kind) {
    case "sql":
      return materializeSql(warehouse, cell);
    case "chart":
      return materializeChart(warehouse, cell);
    case "extract": {
      if (!options.extract) return "unsupported";
      const emit = options.onEvent ?? (() => undefined);
      return runExtract(warehouse, cell, { ...options.extract, now: options.now, onProgress: (p) => emit({ type: "asset_progress", ...p }) });
    }
    case "ml":
      return materializeMl(warehouse, cell);
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
}

const UNSUPPORTED: Record<AssetCell["kind"], string> = {
  extract: "extract cells need a source context (secrets, data directory) that this run was not given",
  ml: "",
  sql: "",
  chart: "",
};

export async function runPlan(options: RunOptions): Promise<RunSummary> {
  const { warehouse, plan } = options;
  const now = options.now ?? (() => performance.now());
  const emit = options.onEvent ?? (() => undefined);
  const runId = options.runId ?? crypto.randomUUID();
  const started = now();
  await ensureMetadataTables(warehouse);
  emit({ type: "run_started", runId, assets: plan.cells.map((c) => c.name) });

  const skipReasons = new Map<string, string>();
  const outcomes: AssetOutcome[] = [];
  const finish = async (outcome: AssetOutcome) => {
    outcomes.push(outcome);
    await recordMaterialization(warehouse, runId, outcome);
    emit({ type: "asset_finished", outcome });
  };

  for (const cell of plan.cells) {
    const skipReason = skipReasons.get(cell.name) ?? (await missingInput(warehouse, plan.upstream(cell.name)));
    if (skipReason) {
      await finish({ asset: cell.name, kind: cell.kind, status: "skipped", durationMs: 0, checks: [], reason: skipReason });
      continue;
    }
    emit({ type: "asset_started", asset: cell.name, kind: cell.kind });
    const t0 = now();
    let result: MaterializeResult | "unsupported";
    try {
      result = await materialize(cell, options);
    } catch (e) {
      result = { ok: false, reason: e instanceof Error ? e.message : String(e), checks: [] };
    }
    const durationMs = now() - t0;
    if (result === "unsupported") {
      await finish({ asset: cell.name, kind: cell.kind, status: "unsupported", durationMs, checks: [], reason: UNSUPPORTED[cell.kind] });
    } else if (result.ok) {
      await finish({ asset: cell.name, kind: cell.kind, status: "succeeded", durationMs, rows: result.rows, columns: result.columns, checks: result.checks });
    } else {
      await finish({ asset: cell.name, kind: cell.kind, status: "failed", durationMs, checks: result.checks, reason: result.reason });
      for (const below of plan.descendants(cell.name)) {
        if (!skipReasons.has(below)) skipReasons.set(below, `upstream "${cell.name}" failed`);
      }
    }
  }
  const durationMs = now() - started;
  emit({ type: "run_finished", runId, outcomes, durationMs });
  return { runId, outcomes, durationMs, ok: outcomes.every((o) => o.status === "succeeded") };
}

/** A reason to skip when an input table is absent (e.g. an unsupported extract never ran). */
async function missingInput(warehouse: Warehouse, inputs: string[]): Promise<string | undefined> {
  for (const input of inputs) {
    if ((await warehouse.describe(input)) === null) return `input "${input}" does not exist in the warehouse`;
  }
  return undefined;
}
