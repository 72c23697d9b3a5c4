// The run service: trigger, execute and cancel runs of a notebook's assets in production.
// A run is a catalog row (queued → running → succeeded | failed | cancelled) plus one job
// `materialize_run` on the queue; the job's attempt number fences every swap it makes.
import { sleep } from "./abortable-sleep";
import { appendRunLog, recordMaterialization, setRunStatus, type Run } from "../catalog";
import { blockingFailures } from "../checks";
import { planNotebook } from "../engine/prepare";
import { dropLeftoverStaging } from "../extract/load/staging";
import type { SqlReferenceParser } from "../graph";
import { formatIssue, type AssetCell } from "../notebook/types";
import { errorMessage, type JobHelpers, type JsonValue, type TaskHandlers } from "../queue/types";
import { isFencedError } from "../warehouse/fence";
import type { Warehouse } from "../warehouse/types";
import type { WarehouseLease } from "../warehouse/open";
import { noCrash, type CrashHook } from "./crash";
import { AttemptAbortedError, abortReason, guardWarehouse, type DoneMarker } from "./guarded-warehouse";
import { materializeWithEngine, stagingFor, type AttemptResult, type ExtractSources, type MaterializeFn } from "./materialize";
import { RUN_TASK, runPayloadSchema, type RunPayload, type TriggerInput } from "./payload";
import { RunTriggers, type RunTriggerDeps, type TriggeredRun } from "./trigger";
import type { SlotPolling } from "./concurrency";
import { RunSlots } from "./run-slots";
import type { PartitionWindow } from "../partitions/windows";
import { partitionPlan, runWindow, swapPartition } from "../engine/partition-plan";
import { assetPolicy, notebookPolicy, retryDelayMs, type AssetPolicy } from "./policy";
import { refreshAfterRun } from "./upstream";
import { claimAsset } from "./asset-owner";
import { RunNotebooks, type RunVersion } from "./run-notebooks";


export interface RunServiceDeps extends RunTriggerDeps {
  /** The production warehouse; DuckDB hands out one shared connection, PostgreSQL one per run. */
  openWarehouse(): Promise<WarehouseLease>;
  parser(): Promise<SqlReferenceParser>;
  /** How extract cells reach their sources for a workspace; absent: extracts are unsupported. */
  extractSources?(workspaceId: string): Promise<ExtractSources>;
  crash?: CrashHook;
  random?: () => number;
  /** How often a running run checks for cancellation in the catalog (default 250 ms). */
  cancelPollMs?: number;
  /** How long an aborted attempt may take to settle before its staging is dropped (default 10 s). */
  settleMs?: number;
  /** Test seam: how an asset attempt runs (default: the engine). */
  materialize?: MaterializeFn;
  /** How a run or an asset waiting for a concurrency slot polls (default 50 ms growing to 1 s). */
  slotPolling?: SlotPolling;
}

export const fenceKey = (runId: string) => `fence:run:${runId}`;
export const doneKey = (runId: string, asset: string, partition: string | null) => `run:${runId}:done:${asset}${partition === null ? "" : `:${partition}`}`;

type AssetState = { status: "succeeded"; rows: number | null } | { status: "failed"; reason: string } | { status: "skipped"; reason: string } | { status: "cancelled"; reason: string };

export class RunService {
  private readonly controllers = new Map<string, AbortController>();
  private readonly crash: CrashHook;
  private readonly materialize: MaterializeFn;
  private readonly slots: RunSlots;
  private readonly notebooks: RunNotebooks;

  readonly triggers: RunTriggers;

  constructor(private readonly deps: RunServiceDeps) {
    this.triggers = new RunTriggers(deps);
    this.crash = deps.crash ?? noCrash;
    this.materialize = deps.materialize ?? materializeWithEngine;
    this.notebooks = new RunNotebooks(deps.db);
    this.slots = new RunSlots({ db: deps.db, polling: deps.slotPolling, random: deps.random, log: (runId, message, data, asset) => this.log(runId, message, "info", data, asset) });
  }

  handlers(): TaskHandlers {
    return { [RUN_TASK]: (payload, helpers) => this.executeRun(payload, helpers) };
  }

  /** Trigger, cancel: see RunTriggers (an app that only enqueues uses that alone). */
  triggerRun(input: TriggerInput): Promise<TriggeredRun> {
    return this.triggers.triggerRun(input);
  }

  async cancelRun(runId: string): Promise<boolean> {
    const cancelled = await this.triggers.cancelRun(runId);
    if (cancelled) this.controllers.get(runId)?.abort("cancelled");
    return cancelled;
  }

  /** The `materialize_run` handler. When its job fails for good, the run ends `failed` with the reason (its slots go with it). */
  async executeRun(rawPayload: JsonValue, helpers: JobHelpers): Promise<void> {
    try {
      await this.attemptRun(rawPayload, helpers);
    } catch (error) {
      const parsed = runPayloadSchema.safeParse(rawPayload);
      if (parsed.success && helpers.attempt >= helpers.maxAttempts) {
        await setRunStatus(this.deps.db, parsed.data.runId, "failed", `the run's job failed on its last attempt (${helpers.attempt}): ${errorMessage(error)}`).catch(() => undefined);
      }
      throw error;
    }
  }

  private async attemptRun(rawPayload: JsonValue, helpers: JobHelpers): Promise<void> {
    this.crash("after_claim");
    const payload = runPayloadSchema.parse(rawPayload);
    const { db } = this.deps;
    const run = await db.run.findUnique({ where: { id: payload.runId } });
    if (run === null || (run.status !== "queued" && run.status !== "running")) return;
    const lease = await this.deps.openWarehouse();
    try {
      const fence = { key: fenceKey(run.id), token: helpers.attempt };
      try {
        await lease.warehouse.swap([], [], { fence });
      } catch (error) {
        if (!isFencedError(error)) throw error;
        await this.log(run.id, `attempt ${helpers.attempt} superseded by a newer attempt`, "warn", { event: "fenced", attempt: helpers.attempt });
        return;
      }
      const version = await this.notebooks.version(payload.versionId);
      // Concurrency limits: the run stays queued until it holds its pools (a resumed run still holds them).
      const slots = await this.slots.forRun(run, version, helpers.signal);
      if (slots === "finished") return;
      if (slots === "aborted") throw new Error("the worker stopped while the run waited for a concurrency slot; another attempt runs it");
      if (run.status === "queued") {
        if ((await setRunStatus(db, run.id, "running")) === null) return;
      } else {
        await this.log(run.id, `resumed on attempt ${helpers.attempt}: the previous worker stopped`, "warn", { event: "resumed", attempt: helpers.attempt });
      }
      await this.runAssets(run, version, payload, helpers, lease.warehouse, fence);
    } finally {
      await lease.release();
      await this.slots.releaseEndedRun(run.id, helpers.attempt > 1);
    }
  }

  private async runAssets(run: Run, version: RunVersion, payload: RunPayload, helpers: JobHelpers, warehouse: Warehouse, fence: { key: string; token: number }): Promise<void> {
    const { db } = this.deps;
    // `{{ partition.* }}` is not SQL: plan with neutral values, then with the run's window.
    const prepared = await this.notebooks.prepare(version, payload.partition, this.deps.parser);
    if (!prepared.ok) {
      await setRunStatus(db, run.id, "failed", prepared.issues.map(formatIssue).join("\n"));
      return;
    }
    let policy: ReturnType<typeof notebookPolicy>;
    let plan: ReturnType<typeof planNotebook>;
    let window: PartitionWindow | null = null;
    try {
      policy = notebookPolicy(prepared.notebook.frontMatter);
      plan = planNotebook(prepared.notebook, prepared.graph, run.selection.join(" ") || undefined);
      window = runWindow(prepared.notebook.frontMatter, payload.partition);
      plan = partitionPlan(plan, window);
    } catch (error) {
      await setRunStatus(db, run.id, "failed", errorMessage(error));
      return;
    }

    const controller = new AbortController();
    this.controllers.set(run.id, controller);
    const stopOnWorkerStop = () => controller.abort("the worker is stopping");
    helpers.signal.addEventListener("abort", stopOnWorkerStop);
    const runTimer = policy.runTimeoutMs === null ? null : setTimeout(() => controller.abort(`run timed out after ${policy.runTimeoutMs} ms`), policy.runTimeoutMs);
    const poll = setInterval(() => {
      void db.run
        .findUnique({ where: { id: run.id }, select: { status: true } })
        .then((r) => {
          if (r?.status === "cancelled") controller.abort("cancelled");
        })
        .catch(() => undefined);
    }, this.deps.cancelPollMs ?? 250);

    const states = new Map<string, AssetState>();
    try {
      for (const cell of plan.cells) {
        const blocked = plan.upstream(cell.name).find((u) => states.has(u) && states.get(u)?.status !== "succeeded");
        if (controller.signal.aborted) {
          states.set(cell.name, { status: "cancelled", reason: abortReason(controller.signal) });
          continue;
        }
        if (blocked !== undefined) {
          const reason = `upstream "${blocked}" did not succeed`;
          states.set(cell.name, { status: "skipped", reason });
          await this.log(run.id, `skipped: ${reason}`, "warn", { event: "asset_skipped", reason }, cell.name);
          continue;
        }
        states.set(cell.name, await this.runAsset(run, payload, helpers, warehouse, fence, cell, assetPolicy(cell, policy), controller.signal, window));
      }
    } finally {
      clearInterval(poll);
      if (runTimer !== null) clearTimeout(runTimer);
      helpers.signal.removeEventListener("abort", stopOnWorkerStop);
      this.controllers.delete(run.id);
    }

    if (helpers.signal.aborted) throw new Error("the worker stopped during the run; another attempt resumes it");
    // Before the final status: a crash here retries the run, which recovers its assets and triggers again (keyed).
    await refreshAfterRun({ ...this.deps, triggers: this.triggers }, { run, planned: plan.cells.map((c) => c.name), partition: payload.partition, chain: payload.chain });
    const all = [...states.entries()];
    const failed = all.filter(([, s]) => s.status === "failed");
    if (controller.signal.aborted && abortReason(controller.signal) === "cancelled") return; // already cancelled in the catalog
    if (controller.signal.aborted) {
      await setRunStatus(db, run.id, "failed", abortReason(controller.signal));
    } else if (failed.length > 0) {
      await setRunStatus(db, run.id, "failed", failed.map(([name, s]) => `${name}: ${s.status === "failed" ? s.reason : ""}`).join("\n"));
    } else {
      await setRunStatus(db, run.id, "succeeded");
    }
  }

  private async runAsset(
    run: Run,
    payload: RunPayload,
    helpers: JobHelpers,
    warehouse: Warehouse,
    fence: { key: string; token: number },
    rawCell: AssetCell,
    policy: AssetPolicy,
    runSignal: AbortSignal,
    window: PartitionWindow | null,
  ): Promise<AssetState> {
    const { db } = this.deps;
    const partition = payload.partition;
    const key = doneKey(run.id, rawCell.name, partition);
    const claimed = await claimAsset(db, { workspaceId: run.workspaceId, name: rawCell.name, kind: rawCell.kind, notebookId: run.notebookId, cell: rawCell.name });
    if ("conflict" in claimed) {
      const { conflict } = claimed;
      await this.log(run.id, `failed: ${conflict}`, "error", { event: "asset_conflict", reason: conflict }, rawCell.name);
      return { status: "failed", reason: conflict };
    }
    const { asset } = claimed;
    const done = await warehouse.readState(key);
    if (isDoneMarker(done)) {
      // A previous attempt swapped this asset in; make sure the catalog knows, once.
      const recorded = await db.materialization.findFirst({ where: { runId: run.id, assetId: asset.id, partition, status: "succeeded" } });
      if (recorded === null) {
        await recordMaterialization(db, { assetId: asset.id, environment: run.environment, partition, status: "succeeded", rows: done.rows, durationMs: 0, notebookVersionId: payload.versionId, runId: run.id, reason: `recorded on recovery (swapped by attempt ${done.attempt})` });
      }
      await this.log(run.id, `already materialized by attempt ${done.attempt}`, "info", { event: "asset_recovered", attempt: done.attempt }, rawCell.name);
      return { status: "succeeded", rows: done.rows };
    }
    const missing = await missingInput(warehouse, rawCell);
    if (missing !== null) {
      await this.log(run.id, `skipped: ${missing}`, "warn", { event: "asset_skipped", reason: missing }, rawCell.name);
      return { status: "skipped", reason: missing };
    }
    const cell = rawCell; // partition values were applied when the run was planned
    // A crashed or frozen attempt of this run may have left staging tables of this asset behind.
    await dropLeftoverStaging(warehouse, cell.name, { partition, attempt: helpers.attempt });

    let lastReason = "";
    for (let attempt = 1; attempt <= policy.retry.maxAttempts; attempt++) {
      const slot = await this.slots.forAsset(run, rawCell, partition, runSignal);
      if ("stopped" in slot) return { status: "cancelled", reason: slot.stopped };
      const attemptAbort = new AbortController();
      const signal = AbortSignal.any([runSignal, attemptAbort.signal]);
      const timer = policy.timeoutMs === null ? null : setTimeout(() => attemptAbort.abort(`timed out after ${policy.timeoutMs} ms`), policy.timeoutMs);
      await this.log(run.id, `attempt ${attempt} started`, "info", { event: "attempt_started", attempt, maxAttempts: policy.retry.maxAttempts }, cell.name);
      const guarded = guardWarehouse(warehouse, { signal, fence, doneKey: key, attempt: helpers.attempt, crash: this.crash, partition: swapPartition(cell, window) });
      const started = performance.now();
      const work = this.materialize(cell, {
        warehouse: guarded,
        signal,
        attempt,
        runAttempt: helpers.attempt,
        runId: run.id,
        partition,
        extract: this.deps.extractSources ? await this.deps.extractSources(run.workspaceId) : null,
        onProgress: () => this.crash("mid_extract"),
      }).catch((error: unknown): AttemptResult | { fenced: true } | { aborted: string } => {
        if (isFencedError(error)) return { fenced: true };
        if (error instanceof AttemptAbortedError) return { aborted: error.why };
        return { ok: false, reason: errorMessage(error), checks: [] };
      }).finally(() => slot.release());
      const aborted = new Promise<{ aborted: string }>((resolve) => {
        if (signal.aborted) resolve({ aborted: abortReason(signal) });
        signal.addEventListener("abort", () => resolve({ aborted: abortReason(signal) }), { once: true });
      });
      const result = await Promise.race([work, aborted]);
      if (timer !== null) clearTimeout(timer);
      const durationMs = performance.now() - started;

      const succeeded = typeof result === "object" && "ok" in result && result.ok;
      const superseded = succeeded || guarded.fenced || (typeof result === "object" && "fenced" in result) ? null : await this.supersededBy(helpers);
      if (superseded !== null) {
        // a newer attempt of the run holds it (this worker froze or lost its lease): record nothing
        await this.log(run.id, `stopped: run attempt ${helpers.attempt} was superseded by attempt ${superseded}`, "warn", { event: "fenced", attempt: helpers.attempt, error: "superseded", current: superseded }, cell.name);
        throw new Error(`run attempt ${helpers.attempt} was superseded`);
      }
      if (guarded.fenced || (typeof result === "object" && "fenced" in result)) {
        for (const table of guarded.refusedStaging) await warehouse.drop(table).catch(() => undefined);
        await this.log(run.id, `swap refused: run attempt ${helpers.attempt} is no longer current`, "warn", { event: "fenced", attempt: helpers.attempt, error: "FencedError" }, cell.name);
        throw new Error(`run attempt ${helpers.attempt} was fenced out`);
      }
      if (typeof result === "object" && "aborted" in result) {
        await settleWithin(work, this.deps.settleMs ?? 10_000);
        for (const table of new Set([...guarded.refusedStaging, stagingFor(cell.name, partition, helpers.attempt)])) await warehouse.drop(table).catch(() => undefined);
        const why = result.aborted;
        const fatal = runSignal.aborted;
        await this.log(run.id, `attempt ${attempt} ${fatal ? "stopped" : "failed"}: ${why}`, fatal ? "warn" : "error", { event: "attempt_failed", attempt, error: why, durationMs }, cell.name);
        if (fatal) return { status: "cancelled", reason: why };
        lastReason = why;
      } else if (result === "unsupported") {
        await this.log(run.id, `unsupported in this run`, "warn", { event: "asset_unsupported" }, cell.name);
        return { status: "skipped", reason: "unsupported" };
      } else if (result.ok) {
        this.crash("after_swap_before_mark");
        const checks = result.checks.map(({ check, severity, passed, failures, error }) => ({ check, severity, passed, failures, ...(error === undefined ? {} : { error }) }));
        await recordMaterialization(db, {
          assetId: asset.id,
          environment: run.environment,
          partition,
          status: "succeeded",
          rows: result.rows,
          columns: result.columns,
          durationMs,
          checks,
          notebookVersionId: payload.versionId,
          runId: run.id,
        });
        await this.log(run.id, `attempt ${attempt} succeeded: ${result.rows} rows`, "info", { event: "attempt_succeeded", attempt, rows: result.rows, durationMs }, cell.name);
        return { status: "succeeded", rows: result.rows };
      } else {
        lastReason = result.reason;
        await this.log(run.id, `attempt ${attempt} failed: ${result.reason}`, "error", { event: "attempt_failed", attempt, error: result.reason, durationMs }, cell.name);
        if (blockingFailures(result.checks).length > 0) break; // a failing check does not pass by retrying
      }
      if (attempt < policy.retry.maxAttempts) {
        const delayMs = retryDelayMs(policy.retry, attempt + 1, this.deps.random);
        await this.log(run.id, `retrying in ${delayMs} ms`, "info", { event: "retry_scheduled", attempt: attempt + 1, delayMs }, cell.name);
        await sleep(delayMs, runSignal);
        if (runSignal.aborted) return { status: "cancelled", reason: abortReason(runSignal) };
      }
    }
    await recordMaterialization(db, { assetId: asset.id, environment: run.environment, partition, status: "failed", durationMs: 0, reason: lastReason, notebookVersionId: payload.versionId, runId: run.id });
    return { status: "failed", reason: lastReason };
  }

  /** The current attempt of the run's job when it is newer than this one, else null. */
  private async supersededBy(helpers: JobHelpers): Promise<number | null> {
    const job = await this.deps.queue.getJob(helpers.jobId).catch(() => null);
    return job !== null && job.attempts > helpers.attempt ? job.attempts : null;
  }

  private async log(runId: string, message: string, level: "info" | "warn" | "error", data: Record<string, JsonValue>, asset?: string): Promise<void> {
    await appendRunLog(this.deps.db, runId, { message, level, asset: asset ?? null, data });
  }
}

function isDoneMarker(value: unknown): value is DoneMarker {
  if (typeof value !== "object" || value === null) return false;
  return "attempt" in value && typeof value.attempt === "number" && "rows" in value && (value.rows === null || typeof value.rows === "number");
}

/** Inputs from outside this run must exist (an upstream in the same run is checked by state). */
async function missingInput(warehouse: Warehouse, cell: AssetCell): Promise<string | null> {
  if (cell.kind !== "chart" && cell.kind !== "ml") return null;
  const from = cell.config.from;
  return (await warehouse.describe(from)) === null ? `input "${from}" does not exist in the warehouse` : null;
}


async function settleWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([work.then(() => undefined, () => undefined), new Promise<void>((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}

