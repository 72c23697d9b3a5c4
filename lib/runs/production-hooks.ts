// Production's policies as the executor's hooks: each asset is claimed for its notebook,
// recovered when an earlier attempt of the run already swapped it in, built into staging
// named by partition and run attempt, swapped through a warehouse fenced by the run's job
// attempt (with a done marker in the same transaction), held to its concurrency slots,
// recorded in the catalog, and logged on the run.
import { appendRunLog, recordMaterialization, type CatalogDb, type Run } from "../catalog";
import { StopExecution, type ExecutorEvent, type ExecutorHooks } from "../engine/executor";
import { assetPolicy, type NotebookPolicy } from "../engine/policy";
import { swapPartition } from "../engine/partition-plan";
import { dropLeftoverStaging } from "../extract/load/staging";
import type { AssetCell } from "../notebook/types";
import type { PartitionWindow } from "../partitions/windows";
import type { JobHelpers, JsonValue } from "../queue/types";
import { abortable } from "../warehouse/abortable";
import { isFencedError } from "../warehouse/fence";
import type { Warehouse } from "../warehouse/types";
import { claimAsset } from "./asset-owner";
import type { CrashHook } from "./crash";
import { guardWarehouse, type DoneMarker, type GuardedWarehouse } from "./guarded-warehouse";
import { stagingFor, type ExtractSources, type MaterializeFn } from "./materialize";
import type { RunSlots } from "./run-slots";

/**
 * The state key that says an attempt of the run swapped an asset in. `text`: the notebook
 * version the run switched to when a promotion came between its trigger and this attempt;
 * markers written for the text it was triggered with then do not count.
 */
export const doneKey = (runId: string, asset: string, partition: string | null, text: string | null = null) =>
  `run:${runId}:done:${asset}${partition === null ? "" : `:${partition}`}${text === null ? "" : `@${text}`}`;

export interface ProductionRun {
  db: CatalogDb;
  run: Run;
  versionId: string;
  /** The version the run switched to from the one it was triggered with (a promotion in between), else null. */
  reboundTo: string | null;
  partition: string | null;
  window: PartitionWindow | null;
  helpers: JobHelpers;
  warehouse: Warehouse;
  fence: { key: string; token: number };
  policy: NotebookPolicy;
  slots: RunSlots;
  crash: CrashHook;
  materialize: MaterializeFn;
  extract: ExtractSources | null;
  /** Incremental cells are built whole (a full refresh asked for at the trigger). */
  fullRefresh: boolean;
  /** The current attempt of the run's job when it is newer than this one, else null. */
  supersededBy(): Promise<number | null>;
}

export function productionHooks(p: ProductionRun): ExecutorHooks {
  const { db, run, helpers, warehouse, partition } = p;
  const assetIds = new Map<string, string>();
  const guards = new Map<string, GuardedWarehouse>();
  const log = (message: string, level: "info" | "warn" | "error", data: Record<string, JsonValue>, asset?: string) =>
    appendRunLog(db, run.id, { message, level, asset: asset ?? null, data });
  const record = (cell: AssetCell, fields: Omit<Parameters<typeof recordMaterialization>[1], "assetId" | "environment" | "partition" | "notebookVersionId" | "runId">) => {
    const assetId = assetIds.get(cell.name);
    if (assetId === undefined) return Promise.resolve();
    return recordMaterialization(db, { assetId, environment: run.environment, partition, notebookVersionId: p.versionId, runId: run.id, ...fields }).then(() => undefined);
  };
  const fencedOut = async (cell: AssetCell, guarded: GuardedWarehouse): Promise<never> => {
    for (const table of guarded.refusedStaging) await warehouse.drop(table).catch(() => undefined);
    await log(`swap refused: run attempt ${helpers.attempt} is no longer current`, "warn", { event: "fenced", attempt: helpers.attempt, error: "FencedError" }, cell.name);
    throw new StopExecution(`run attempt ${helpers.attempt} was fenced out`);
  };

  const onEvent = async (event: ExecutorEvent): Promise<void> => {
    const { cell } = event;
    switch (event.type) {
      case "asset_started":
        return;
      case "attempt_started":
        await log(`attempt ${event.attempt} started`, "info", { event: "attempt_started", attempt: event.attempt, maxAttempts: event.maxAttempts }, cell.name);
        return;
      case "attempt_succeeded": {
        p.crash("after_swap_before_mark");
        const { rows, columns } = event.result;
        const checks = event.result.checks.map(({ check, severity, passed, failures, error }) => ({ check, severity, passed, failures, ...(error === undefined ? {} : { error }) }));
        await record(cell, { status: "succeeded", rows, columns, durationMs: event.durationMs, checks });
        const passed = checks.filter((c) => c.passed).length;
        const checked = checks.length === 0 ? "" : `, checks ${passed}/${checks.length} passed`;
        // The note says how the rows were made where worth knowing (an extract loaded record by record, and why); it is redacted.
        const { note } = event.result;
        await log(
          `attempt ${event.attempt} succeeded: ${rows} ${rows === 1 ? "row" : "rows"}${checked}${note === undefined ? "" : `; ${note}`}`,
          "info",
          { event: "attempt_succeeded", attempt: event.attempt, rows, durationMs: event.durationMs, checks: { passed, total: checks.length }, ...(note === undefined ? {} : { note }) },
          cell.name,
        );
        return;
      }
      case "attempt_failed":
        await log(`attempt ${event.attempt} ${event.stopped ? "stopped" : "failed"}: ${event.reason}`, event.stopped ? "warn" : "error", { event: "attempt_failed", attempt: event.attempt, error: event.reason, durationMs: event.durationMs }, cell.name);
        return;
      case "retry_scheduled":
        await log(`retrying in ${event.delayMs} ms`, "info", { event: "retry_scheduled", attempt: event.attempt, delayMs: event.delayMs }, cell.name);
        return;
      case "asset_finished": {
        const { outcome } = event;
        if (outcome.status === "skipped") await log(`skipped: ${outcome.reason ?? ""}`, "warn", { event: "asset_skipped", reason: outcome.reason ?? "" }, cell.name);
        else if (outcome.status === "unsupported") await log("unsupported in this run", "warn", { event: "asset_unsupported" }, cell.name);
        else if (outcome.status === "failed" && guards.has(cell.name)) await record(cell, { status: "failed", durationMs: 0, reason: outcome.reason ?? "" });
        return;
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unknown event ${JSON.stringify(unreachable)}`);
      }
    }
  };

  return {
    onEvent,
    policy: (cell) => assetPolicy(cell, p.policy),
    acquire: (cell, signal) => p.slots.forAsset(run, cell, partition, signal),

    async settle(cell) {
      const claimed = await claimAsset(db, { workspaceId: run.workspaceId, name: cell.name, kind: cell.kind, notebookId: run.notebookId, cell: cell.name });
      if ("conflict" in claimed) {
        await log(`failed: ${claimed.conflict}`, "error", { event: "asset_conflict", reason: claimed.conflict }, cell.name);
        return { status: "failed", reason: claimed.conflict };
      }
      assetIds.set(cell.name, claimed.asset.id);
      const done = await warehouse.readState(doneKey(run.id, cell.name, partition, p.reboundTo));
      if (isDoneMarker(done)) {
        // A previous attempt swapped this asset in; make sure the catalog knows, once.
        const recorded = await db.materialization.findFirst({ where: { runId: run.id, assetId: claimed.asset.id, partition, status: "succeeded" } });
        if (recorded === null) await record(cell, { status: "succeeded", rows: done.rows, durationMs: 0, reason: `recorded on recovery (swapped by attempt ${done.attempt})` });
        await log(`already materialized by attempt ${done.attempt}`, "info", { event: "asset_recovered", attempt: done.attempt }, cell.name);
        return { status: "succeeded", ...(done.rows === null ? {} : { rows: done.rows }) };
      }
      // A crashed or frozen attempt of this run may have left staging tables of this asset behind.
      await dropLeftoverStaging(warehouse, cell.name, { partition, attempt: helpers.attempt });
      return null;
    },

    async attempt(cell, ctx) {
      // Under the attempt's signal: a cancel or timeout interrupts the statement in flight, so the connection is free again at once.
      const guarded = guardWarehouse(abortable(warehouse, ctx.signal), { signal: ctx.signal, fence: p.fence, doneKey: doneKey(run.id, cell.name, partition, p.reboundTo), attempt: helpers.attempt, crash: p.crash, partition: swapPartition(cell, p.window) });
      guards.set(cell.name, guarded);
      const result = await p
        .materialize(cell, { warehouse: guarded, signal: ctx.signal, attempt: ctx.attempt, runAttempt: helpers.attempt, runId: run.id, partition, extract: p.extract, fullRefresh: p.fullRefresh, onProgress: () => p.crash("mid_extract") })
        .catch((error: unknown) => {
          // Once the fence refused a swap, whatever the materializer threw after it, the fence wins.
          if (isFencedError(error) || guarded.fenced) return null;
          throw error;
        });
      // An extract reports a refused swap as a failure: the fence still wins.
      if (result === null || guarded.fenced) return fencedOut(cell, guarded);
      return result;
    },

    async afterAbort(cell) {
      const refused = guards.get(cell.name)?.refusedStaging ?? [];
      for (const table of new Set([...refused, stagingFor(cell.name, partition, helpers.attempt)])) await warehouse.drop(table).catch(() => undefined);
    },

    async superseded(cell) {
      const current = await p.supersededBy();
      if (current === null) return null;
      // A newer attempt of the run holds it (this worker froze or lost its lease): record nothing more.
      await log(`stopped: run attempt ${helpers.attempt} was superseded by attempt ${current}`, "warn", { event: "fenced", attempt: helpers.attempt, error: "superseded", current }, cell.name);
      return `run attempt ${helpers.attempt} was superseded`;
    },
  };
}

function isDoneMarker(value: unknown): value is DoneMarker {
  if (typeof value !== "object" || value === null) return false;
  return "attempt" in value && typeof value.attempt === "number" && "rows" in value && (value.rows === null || typeof value.rows === "number");
}
