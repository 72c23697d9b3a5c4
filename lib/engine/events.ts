import type { CheckResult } from "../checks";
import type { CellKind } from "../notebook/types";
import type { Column } from "../warehouse/types";

export type AssetStatus = "succeeded" | "failed" | "skipped" | "cancelled" | "unsupported";

export interface AssetOutcome {
  asset: string;
  kind: CellKind;
  status: AssetStatus;
  rows?: number;
  columns?: Column[];
  durationMs: number;
  checks: CheckResult[];
  /** Why it failed, was skipped or is unsupported. */
  reason?: string;
  /** How it was made, where worth saying (an extract loaded record by record, and why). */
  note?: string;
  /** The partition this outcome is of, when a build ran the asset once per partition. */
  partition?: string;
}

export type RunEvent =
  | { type: "run_started"; runId: string; assets: string[] }
  | { type: "asset_started"; asset: string; kind: CellKind }
  | { type: "asset_progress"; asset: string; pages: number; rows: number; elapsedMs: number }
  | { type: "asset_finished"; outcome: AssetOutcome }
  | { type: "run_finished"; runId: string; outcomes: AssetOutcome[]; durationMs: number };

export interface RunSummary {
  runId: string;
  outcomes: AssetOutcome[];
  durationMs: number;
  /** True when every selected asset was materialized. */
  ok: boolean;
}
