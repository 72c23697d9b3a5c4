// Production runs: trigger, execute (retries, timeouts, fencing, partitions), cancel, backfill.
export { RunService, fenceKey, doneKey, type RunServiceDeps, type WarehouseLease } from "./service";
export { RunTriggers, RunInputError, type RunTriggerDeps, type TriggeredRun } from "./trigger";
export { RUN_TASK, triggerInputSchema, runPayloadSchema, TRIGGERS, type Trigger, type TriggerInput, type RunPayload } from "./payload";
export { startBackfill, backfillProgress, backfillKeys, type BackfillInput, type BackfillProgress } from "./backfill";
export { partitionsSchema, partitionWindows, partitionWindow, substitutePartition, applyPartition, notebookPartitions, PARTITION_COLUMN, type PartitionsDef, type PartitionWindow } from "./partitions";
export { assetPolicy, notebookPolicy, retryDelayMs, DEFAULT_RETRY, type AssetPolicy, type RetryPolicy } from "./policy";
export { CRASH_POINTS, crashFromEnv, noCrash, type CrashPoint, type CrashHook } from "./crash";
export { materializeWithEngine, type MaterializeFn, type AttemptContext, type ExtractSources } from "./materialize";
export { prismaSqlClient } from "./prisma-sql";
export { notebookSchedules, notebookScheduleId, scheduledRunQueue } from "./schedules";
export { listRuns, runDetail, runEventsAfter, assetTimeline, isFinished, RUN_STATUSES, type RunFilters, type RunSummary, type RunDetail, type AssetTimeline, type AttemptView, type EventView } from "./views";
