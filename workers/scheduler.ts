// The scheduler: every scheduleIntervalMs it loads the notebooks' schedules and fires the
// due ticks; each tick triggers one run keyed by its tickKey, so two schedulers (or one that
// restarted) make one run per tick. Cursors live in the catalog store.
import { notebookSchedules, prismaSqlClient, scheduledRunQueue } from "../lib/runs";
import { Scheduler, SqlCursorStore, type FiredTick } from "../lib/schedule/scheduler";
import type { AssetbookConfig } from "../lib/config";
import type { WorkerRuntime } from "./runtime";
import { requestBranchSync } from "../lib/gitsync/job";
import { evaluateFreshnessStates, type FreshnessChange } from "../lib/catalog/freshness-states";
import { evaluateFileSensors, type FileSensor } from "../lib/runs/file-sensors";

/** Freshness policies are evaluated at most once a minute, whatever the schedule interval. */
export const FRESHNESS_INTERVAL_MS = 60_000;

export interface RunningScheduler {
  /** One evaluation now (what the timer does). */
  tick(now?: Date): Promise<FiredTick[]>;
  /** One evaluation of the freshness policies now (what the timer does once a minute). */
  evaluateFreshness(now?: Date): Promise<FreshnessChange[]>;
  stop(): Promise<void>;
}

export type SchedulerRuntime = Pick<WorkerRuntime, "db" | "service" | "workspaceId"> & { config: Pick<AssetbookConfig, "notebooksDir"> };

export function createScheduler(rt: SchedulerRuntime, clock: () => Date = () => new Date()): Scheduler {
  return new Scheduler({
    queue: scheduledRunQueue(rt.service),
    cursors: new SqlCursorStore(prismaSqlClient(rt.db)),
    clock,
    schedules: () => notebookSchedules(rt.db, rt.workspaceId, rt.config.notebooksDir),
  });
}

export function startScheduler(rt: WorkerRuntime, clock: () => Date = () => new Date()): RunningScheduler {
  const scheduler = createScheduler(rt, clock);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const git = rt.config.git;
  let freshnessAt = Number.NEGATIVE_INFINITY;
  let sensorProblems = new Set<string>();
  const sensorsByText = new Map<string, FileSensor[]>();
  const evaluateFreshness = async (now: Date = clock()) => {
    freshnessAt = now.getTime();
    const changes = await evaluateFreshnessStates(rt.db, rt.workspaceId, now);
    for (const c of changes) console.log(`[scheduler] freshness: ${c.asset} is ${c.state} since ${c.since.toISOString()}${c.previous === null ? "" : ` (was ${c.previous})`}`);
    // Only the scheduler that recorded a change raises it: two schedulers send one alert.
    await rt.alerts.freshnessChanged(rt.workspaceId, changes);
    await rt.alerts.longRuns(rt.workspaceId, now);
    await rt.alerts.reviewsWaiting(rt.workspaceId, now);
    return changes;
  };
  const loop = () => {
    if (stopped) return;
    current = scheduler
      .tick()
      .then(async (fired) => {
        for (const f of fired) if (f.created) console.log(`[scheduler] ${f.scheduleId} tick ${f.tick.toISOString()}: job ${f.jobId}`);
        // Production follows a branch: one sync per poll interval, whichever scheduler asks first.
        if (git !== null) await requestBranchSync(rt.queue, clock(), git.pollMs, "schedule");
        // File sensors: each new or changed file version starts one run.
        const sensed = await evaluateFileSensors({ db: rt.db, runs: rt.service, dataDir: rt.config.dataDir, parsed: sensorsByText }, rt.workspaceId);
        for (const s of sensed.started) console.log(`[scheduler] sensor ${s.notebook}/${s.cell}: ${s.path} started run ${s.runId}`);
        // A problem is told when it appears, not on every tick while it lasts.
        for (const problem of sensed.problems) if (!sensorProblems.has(problem)) console.warn(`[scheduler] ${problem}`);
        sensorProblems = new Set(sensed.problems);
        if (clock().getTime() - freshnessAt >= FRESHNESS_INTERVAL_MS) await evaluateFreshness();
      })
      .catch((error: unknown) => console.error("[scheduler] tick failed:", error))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, rt.config.workers.scheduleIntervalMs);
      });
  };
  loop();
  return {
    tick: (now) => scheduler.tick(now),
    evaluateFreshness,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
    },
  };
}
