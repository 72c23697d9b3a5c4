// The run service: trigger, execute and cancel runs of a notebook's assets in production.
// A run is a catalog row (queued → running → succeeded | failed | cancelled) plus one job
// `materialize_run` on the queue; the job's attempt number fences every swap it makes.
import { appendRunLog, setRunStatus, type Run } from "../catalog";
import { versionWithText } from "../catalog/notebooks";
import { productionBinding, productionRunWarehouse, type ProductionBinding } from "../lifecycle/production-runs";
import { abortReason, execute, StopExecution, type ExecutionPlan } from "../engine/executor";
import type { AssetOutcome } from "../engine/events";
import { partitionPlan, runWindow } from "../engine/partition-plan";
import { notebookPolicy } from "../engine/policy";
import { planNotebook } from "../engine/prepare";
import type { SqlReferenceParser } from "../graph";
import { formatIssue } from "../notebook/types";
import type { PartitionWindow } from "../partitions/windows";
import { errorMessage, type JobHelpers, type JsonValue, type TaskHandlers } from "../queue/types";
import { isFencedError } from "../warehouse/fence";
import { WORKSPACE_FILE } from "../notebook/workspace-file";
import type { WarehouseLease } from "../warehouse/open";
import type { Warehouse } from "../warehouse/types";
import type { SlotPolling } from "./concurrency";
import { noCrash, type CrashHook } from "./crash";
import { materializeWithEngine, type ExtractSources, type MaterializeFn } from "./materialize";
import { RUN_TASK, runPayloadSchema, type RunPayload, type TriggerInput } from "./payload";
import { productionHooks } from "./production-hooks";
import { RunNotebooks, type RunVersion } from "./run-notebooks";
import { RunSlots } from "./run-slots";
import { RunTriggers, type RunTriggerDeps, type TriggeredRun } from "./trigger";
import { refreshAfterRun } from "./upstream";
import type { EndedRun } from "../alerts/run-events";

export { doneKey } from "./production-hooks";

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
  /** Told when a run ends, after its status is written (alerts); a failure here is logged, never the run's. */
  onRunEnded?(workspaceId: string, run: EndedRun): Promise<void>;
}

export const fenceKey = (runId: string) => `fence:run:${runId}`;

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
        await this.slots.releaseEndedRun(parsed.data.runId, true);
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

  /**
   * Once production is promoted, a run executes production's text of its notebook (the one
   * promoted since the trigger, when it changed) and writes the versions production serves.
   */
  private async bindToProduction(run: Run, version: RunVersion, versionId: string, warehouse: Warehouse): Promise<{ version: RunVersion; versionId: string; binding: ProductionBinding | null } | { refused: string }> {
    const binding = await productionBinding(warehouse);
    if (binding === null) return { version, versionId, binding };
    const text = binding.state.notebooks[version.slug];
    if (text === undefined) return { refused: `notebook "${version.slug}" is not in production: promote it before running it in production` };
    if (text === version.text) return { version, versionId, binding };
    const current = await versionWithText(this.deps.db, run.workspaceId, version.slug, text);
    await this.log(run.id, `runs production's text (version ${current.number}): the notebook was promoted after this run was triggered`, "info", { event: "rebound", versionId: current.id });
    return { version: { ...version, id: current.id, text }, versionId: current.id, binding };
  }

  private async runAssets(run: Run, triggered: RunVersion, payload: RunPayload, helpers: JobHelpers, productionWarehouse: Warehouse, fence: { key: string; token: number }): Promise<void> {
    const { db } = this.deps;
    const bound = await this.bindToProduction(run, triggered, payload.versionId, productionWarehouse);
    if ("refused" in bound) {
      await this.finish(run, triggered.slug, "failed", bound.refused, []);
      return;
    }
    const { version, versionId } = bound;
    // `{{ partition.* }}` is not SQL: plan with neutral values, then with the run's window.
    // In production's workspace file: the one promoted with the notebooks.
    const prepared = await this.notebooks.prepare(version, payload.partition, this.deps.parser, bound.binding?.state.notebooks[WORKSPACE_FILE] ?? null, payload.params);
    if (!prepared.ok) {
      await this.finish(run, triggered.slug, "failed", prepared.issues.map(formatIssue).join("\n"), []);
      return;
    }
    const warehouse =
      bound.binding === null
        ? productionWarehouse
        : productionRunWarehouse(productionWarehouse, bound.binding, new Map(prepared.notebook.cells.flatMap((cell) => (cell.type === "asset" ? [[cell.name.toLowerCase(), { kind: cell.kind }] as const] : []))));
    let plan: ExecutionPlan;
    let window: PartitionWindow | null = null;
    try {
      window = runWindow(prepared.notebook.frontMatter, payload.partition);
      plan = partitionPlan(planNotebook(prepared.notebook, prepared.graph, run.selection.join(" ") || undefined), window);
    } catch (error) {
      await this.finish(run, triggered.slug, "failed", errorMessage(error), [], prepared.notebook.frontMatter);
      return;
    }
    const policy = notebookPolicy(prepared.notebook.frontMatter);

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

    let outcomes: AssetOutcome[];
    try {
      const hooks = productionHooks({
        db, run, versionId, reboundTo: versionId === payload.versionId ? null : versionId, partition: payload.partition, window, helpers, warehouse, fence, policy,
        slots: this.slots, crash: this.crash, materialize: this.materialize, fullRefresh: payload.fullRefresh,
        extract: this.deps.extractSources ? await this.deps.extractSources(run.workspaceId) : null,
        supersededBy: () => this.supersededBy(helpers),
      });
      outcomes = await execute({ plan, warehouse, hooks, signal: controller.signal, random: this.deps.random, settleMs: this.deps.settleMs });
    } catch (error) {
      // A fenced or superseded attempt stops here: the job fails, and the newer attempt owns the run.
      if (error instanceof StopExecution) throw new Error(error.message);
      throw error;
    } finally {
      clearInterval(poll);
      if (runTimer !== null) clearTimeout(runTimer);
      helpers.signal.removeEventListener("abort", stopOnWorkerStop);
      this.controllers.delete(run.id);
    }

    if (helpers.signal.aborted) throw new Error("the worker stopped during the run; another attempt resumes it");
    // Before the final status: a crash here retries the run, which recovers its assets and triggers again (keyed).
    await refreshAfterRun({ ...this.deps, triggers: this.triggers }, { run, planned: plan.cells.map((c) => c.name), partition: payload.partition, chain: payload.chain });
    if (controller.signal.aborted && abortReason(controller.signal) === "cancelled") return; // already cancelled in the catalog
    // An asset that was not built (it failed, or was skipped for a failed or missing input) fails the run.
    const unbuilt = outcomes.filter((o) => o.status === "failed" || o.status === "skipped");
    if (controller.signal.aborted) {
      await this.finish(run, triggered.slug, "failed", abortReason(controller.signal), outcomes, prepared.notebook.frontMatter);
    } else if (unbuilt.length > 0) {
      await this.finish(run, triggered.slug, "failed", unbuilt.map((o) => `${o.asset}: ${o.reason ?? o.status}`).join("\n"), outcomes, prepared.notebook.frontMatter);
    } else {
      await this.finish(run, triggered.slug, "succeeded", null, outcomes, prepared.notebook.frontMatter);
    }
  }

  /** The run's final status, then the hosts are told (alerts). */
  private async finish(
    run: Run,
    notebook: string,
    status: "succeeded" | "failed",
    error: string | null,
    outcomes: readonly AssetOutcome[],
    frontMatter: { owners?: string[]; tags?: string[] } = {},
  ): Promise<void> {
    const ended = await setRunStatus(this.deps.db, run.id, status, error ?? undefined);
    if (ended === null || this.deps.onRunEnded === undefined) return;
    const at = ended.finishedAt ?? new Date();
    const started = ended.startedAt ?? ended.createdAt;
    try {
      await this.deps.onRunEnded(run.workspaceId, { id: run.id, notebook, owners: frontMatter.owners ?? [], tags: frontMatter.tags ?? [], status, error, at, durationSeconds: Math.max(0, Math.round((at.getTime() - started.getTime()) / 1000)), outcomes });
    } catch (failure) {
      await this.log(run.id, `alerts could not be raised: ${errorMessage(failure)}`, "warn", { event: "alerts_failed" }).catch(() => undefined);
    }
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
