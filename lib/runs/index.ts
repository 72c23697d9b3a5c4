// Production runs: trigger, execute (retries, timeouts, fencing, partitions), cancel, backfill.
export { RunService, fenceKey, doneKey, type RunServiceDeps } from "./service";
export { RunTriggers, RunInputError, isRunInputError, type RunTriggerDeps, type TriggeredRun } from "./trigger";
export { RUN_TASK, triggerInputSchema, runPayloadSchema, TRIGGERS, type Trigger, type TriggerInput, type RunPayload } from "./payload";
export { startBackfill, backfillProgress, backfillKeys, partitionStates, notebookPartitionKeys, newestPartitionWithData, type BackfillInput, type BackfillProgress, type PartitionState, type PartitionStatus } from "./backfill";
export { partitionWindows, partitionWindow, substitutePartition, applyPartition, notebookPartitions, PARTITION_COLUMN, type PartitionsDef, type PartitionWindow } from "../partitions/windows";
export { assetPolicy, notebookPolicy, retryDelayMs, DEFAULT_RETRY, type AssetPolicy, type RetryPolicy } from "../engine/policy";
export { CRASH_POINTS, crashFromEnv, noCrash, type CrashPoint, type CrashHook } from "./crash";
export { materializeWithEngine, type MaterializeFn, type AttemptContext, type ExtractSources } from "./materialize";
export { prismaSqlClient } from "./prisma-sql";
export { notebookSchedules, notebookScheduleId, assetScheduleId, scheduledRunQueue } from "./schedules";
export { triggerUpstreamRefresh, refreshAfterRun, upstreamJobKey, MAX_UPSTREAM_DEPTH, type EndedRun, type UpstreamRefresh, type UpstreamRefreshDeps } from "./upstream";
export { workspaceNotebooks } from "./workspace-notebooks";
export { listRuns, runsPage, runDetail, runEventsAfter, assetTimeline, isFinished, RUN_STATUSES, type RunFilters, type RunSummary, type RunDetail, type AssetTimeline, type AttemptView, type EventView } from "./views";
