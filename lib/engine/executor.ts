// The one executor. A plan runs through this loop on every host (the command line, the
// production workers, the editor's reactive session). It owns what is the same everywhere:
// graph order; skipping a cell whose input did not succeed, or whose input from outside the
// run is missing; cancellation; attempts with retries, backoff and timeouts; one outcome per
// cell. What differs by host plugs in as hooks: how a cell kind runs, where a
// materialization is recorded, concurrency slots, and (through the attempt hook and
// StopExecution) fencing against a newer worker.
import { blockingFailures } from "../checks";
import type { AssetCell } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import type { AssetOutcome } from "./events";
import type { MaterializeResult } from "./materialize";
import { DEFAULT_POLICY, retryDelayMs, type AssetPolicy } from "./policy";

/** What the executor walks: cells in graph order, pulled one at a time (the editor re-plans between them). */
export interface CellSequence {
  cells: Iterable<AssetCell>;
  /** Direct upstream asset names of a cell. */
  upstream(name: string): string[];
}

/** A plan: the cells of a selection, fixed in topological order. */
export interface ExecutionPlan extends CellSequence {
  cells: AssetCell[];
}

export interface AttemptContext {
  /** 1 for the first attempt of this cell. */
  attempt: number;
  maxAttempts: number;
  /** Aborted by the run's signal or this attempt's timeout. */
  signal: AbortSignal;
}

export type AttemptResult = MaterializeResult | "unsupported";

/** Thrown by a hook to stop the whole execution at once (a fenced or superseded worker): nothing more runs or is recorded. */
export class StopExecution extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StopExecution";
  }
}

/** A cell settled without running (recovered from an earlier attempt, refused by its host). */
export type Settled = Pick<AssetOutcome, "status" | "rows" | "reason">;

export type ExecutorEvent =
  | { type: "asset_started"; cell: AssetCell }
  | { type: "attempt_started"; cell: AssetCell; attempt: number; maxAttempts: number }
  | { type: "attempt_succeeded"; cell: AssetCell; attempt: number; result: Extract<MaterializeResult, { ok: true }>; durationMs: number }
  | { type: "attempt_failed"; cell: AssetCell; attempt: number; reason: string; durationMs: number; stopped: boolean }
  | { type: "retry_scheduled"; cell: AssetCell; attempt: number; delayMs: number }
  | { type: "asset_finished"; cell: AssetCell; outcome: AssetOutcome };

export interface ExecutorHooks {
  /** One attempt of a cell (default for a host: materializeCell). Throw StopExecution to stop everything. */
  attempt(cell: AssetCell, ctx: AttemptContext): Promise<AttemptResult>;
  /** Before a cell's attempts: settle it without running (null: run it). */
  settle?(cell: AssetCell): Promise<Settled | null>;
  /** Retries and timeout of a cell (default: one attempt, no timeout). */
  policy?(cell: AssetCell): AssetPolicy;
  /** A concurrency slot for one attempt; `stopped` when the run stopped while waiting. */
  acquire?(cell: AssetCell, signal: AbortSignal): Promise<{ release(): Promise<void> } | { stopped: string }>;
  /** After an aborted attempt has settled (or given up settling): drop what it left behind. */
  afterAbort?(cell: AssetCell, attempt: number): Promise<void>;
  /** After an attempt that did not succeed: a reason to stop everything (this worker was superseded), or null. */
  superseded?(cell: AssetCell): Promise<string | null>;
  /** Every event, awaited in order: logs, progress and materialization records hang here. */
  onEvent?(event: ExecutorEvent): Promise<void> | void;
}

export interface ExecuteOptions {
  plan: CellSequence;
  /** Where inputs from outside this run are looked up. */
  warehouse: Pick<Warehouse, "describe">;
  hooks: ExecutorHooks;
  /** Stops the run: the current attempt is aborted and the cells left are cancelled. */
  signal?: AbortSignal;
  random?: () => number;
  now?: () => number;
  /** How long an aborted attempt may take to settle before its leftovers are dropped (default 10 s). */
  settleMs?: number;
}

export function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return reason.message;
  return "aborted";
}

/** Runs the plan's cells in order; one outcome per cell, in plan order. */
export async function execute(options: ExecuteOptions): Promise<AssetOutcome[]> {
  const { plan, hooks } = options;
  const runSignal = options.signal ?? new AbortController().signal;
  const outcomes = new Map<string, AssetOutcome>();
  const inOrder: AssetOutcome[] = [];
  for (const cell of plan.cells) {
    const outcome = runSignal.aborted ? outcomeOf(cell, { status: "cancelled", reason: abortReason(runSignal) }) : await runCell(cell, options, outcomes, runSignal);
    outcomes.set(cell.name, outcome);
    inOrder.push(outcome);
    await hooks.onEvent?.({ type: "asset_finished", cell, outcome });
  }
  return inOrder;
}

function outcomeOf(cell: AssetCell, settled: Settled & { durationMs?: number }): AssetOutcome {
  return { asset: cell.name, kind: cell.kind, checks: [], durationMs: 0, ...settled };
}

/** Why a cell cannot run: an input of this run did not succeed, or one from outside it is missing. */
async function blockedBy(cell: AssetCell, options: ExecuteOptions, outcomes: ReadonlyMap<string, AssetOutcome>): Promise<string | null> {
  for (const input of options.plan.upstream(cell.name)) {
    const upstream = outcomes.get(input);
    if (upstream?.status === "failed") return `upstream "${input}" failed`;
    // The root cause carries down the graph: everything below one failure names that failure.
    if (upstream?.status === "skipped") return upstream.reason ?? `upstream "${input}" was skipped`;
    if (upstream?.status === "cancelled") return `upstream "${input}" was cancelled`;
    // Not built by this run (not selected, or a kind this host cannot run): its table must already exist.
    if (upstream?.status !== "succeeded" && (await options.warehouse.describe(input)) === null) return `input "${input}" does not exist in the warehouse`;
  }
  return null;
}

async function runCell(cell: AssetCell, options: ExecuteOptions, outcomes: ReadonlyMap<string, AssetOutcome>, runSignal: AbortSignal): Promise<AssetOutcome> {
  const { hooks } = options;
  const blocked = await blockedBy(cell, options, outcomes);
  if (blocked !== null) return outcomeOf(cell, { status: "skipped", reason: blocked });
  const settled = (await hooks.settle?.(cell)) ?? null;
  if (settled !== null) return outcomeOf(cell, settled);
  await hooks.onEvent?.({ type: "asset_started", cell });

  const now = options.now ?? (() => performance.now());
  const policy = hooks.policy?.(cell) ?? DEFAULT_POLICY;
  const maxAttempts = policy.retry.maxAttempts;
  let last: AssetOutcome = outcomeOf(cell, { status: "failed", reason: "no attempt ran" });
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const slot = hooks.acquire ? await hooks.acquire(cell, runSignal) : null;
    if (slot !== null && "stopped" in slot) return outcomeOf(cell, { status: "cancelled", reason: slot.stopped });
    const started = now();
    const attemptAbort = new AbortController();
    const signal = AbortSignal.any([runSignal, attemptAbort.signal]);
    const timer = policy.timeoutMs === null ? null : setTimeout(() => attemptAbort.abort(`timed out after ${policy.timeoutMs} ms`), policy.timeoutMs);
    await hooks.onEvent?.({ type: "attempt_started", cell, attempt, maxAttempts });
    const work = hooks
      .attempt(cell, { attempt, maxAttempts, signal })
      .catch((error: unknown): AttemptResult | StopExecution => (error instanceof StopExecution ? error : { ok: false, reason: messageOf(error), checks: [] }))
      .finally(() => slot?.release());
    const result = await Promise.race([work, abortedBy(signal)]);
    if (timer !== null) clearTimeout(timer);
    const durationMs = now() - started;
    if (result instanceof StopExecution) throw result;

    if (typeof result === "object" && "aborted" in result) {
      const late = await settleWithin(work, options.settleMs ?? 10_000);
      if (late instanceof StopExecution) throw late;
      // It committed just as it was aborted: the table is in place, so it succeeded.
      if (typeof late === "object" && late !== null && "ok" in late && late.ok) {
        await hooks.onEvent?.({ type: "attempt_succeeded", cell, attempt, result: late, durationMs });
        return { asset: cell.name, kind: cell.kind, status: "succeeded", rows: late.rows, columns: late.columns, checks: late.checks, durationMs };
      }
      await hooks.afterAbort?.(cell, attempt);
      await stopIfSuperseded(hooks, cell);
      const stopped = runSignal.aborted;
      await hooks.onEvent?.({ type: "attempt_failed", cell, attempt, reason: result.aborted, durationMs, stopped });
      if (stopped) return outcomeOf(cell, { status: "cancelled", reason: result.aborted, durationMs });
      last = outcomeOf(cell, { status: "failed", reason: result.aborted, durationMs });
    } else if (result === "unsupported") {
      return outcomeOf(cell, { status: "unsupported", reason: `${cell.kind} cells cannot run here`, durationMs });
    } else if (result.ok) {
      await hooks.onEvent?.({ type: "attempt_succeeded", cell, attempt, result, durationMs });
      return { asset: cell.name, kind: cell.kind, status: "succeeded", rows: result.rows, columns: result.columns, checks: result.checks, durationMs, ...(result.note === undefined ? {} : { note: result.note }) };
    } else {
      await stopIfSuperseded(hooks, cell);
      await hooks.onEvent?.({ type: "attempt_failed", cell, attempt, reason: result.reason, durationMs, stopped: false });
      last = { asset: cell.name, kind: cell.kind, status: "failed", reason: result.reason, checks: result.checks, durationMs };
      if (blockingFailures(result.checks).length > 0) break; // a failing check does not pass by retrying
    }
    if (attempt < maxAttempts) {
      const delayMs = retryDelayMs(policy.retry, attempt + 1, options.random);
      await hooks.onEvent?.({ type: "retry_scheduled", cell, attempt: attempt + 1, delayMs });
      await sleep(delayMs, runSignal);
      if (runSignal.aborted) return outcomeOf(cell, { status: "cancelled", reason: abortReason(runSignal) });
    }
  }
  return last;
}

async function stopIfSuperseded(hooks: ExecutorHooks, cell: AssetCell): Promise<void> {
  const reason = (await hooks.superseded?.(cell)) ?? null;
  if (reason !== null) throw new StopExecution(reason);
}

function abortedBy(signal: AbortSignal): Promise<{ aborted: string }> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve({ aborted: abortReason(signal) });
    signal.addEventListener("abort", () => resolve({ aborted: abortReason(signal) }), { once: true });
  });
}

/** The attempt's late result, if it settles within `ms` (an aborted attempt is given time to stop touching its tables). */
async function settleWithin<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const gaveUp = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  const result = await Promise.race([work.catch(() => undefined), gaveUp]);
  clearTimeout(timer);
  return result;
}

/** Waits `ms`, or less when `signal` aborts (at once when it already has). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
