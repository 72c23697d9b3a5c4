// The materializer: claims `materialize_run` jobs and runs them with the RunService, and
// `build_review` jobs (a review's environment build) and, when production follows a branch,
// `sync_branch` jobs. The
// queue renews this worker's leases every lockTimeout/3 (its heartbeat); a worker that stops
// beating loses its runs to another worker after lockTimeoutMs, and its late writes are
// fenced off by the job's attempt number.
import type { Worker } from "../lib/queue/types";
import { reviewBuildHandlers } from "../lib/reviews/build-job";
import { branchSyncHandlers } from "../lib/gitsync/job";
import type { WorkerRuntime } from "./runtime";

export interface Materializer {
  stop(): Promise<void>;
}

export function startMaterializer(rt: WorkerRuntime): Materializer {
  const { concurrency, pollMs, lockTimeoutMs } = rt.config.workers;
  const worker: Worker = rt.queue.work({ ...rt.service.handlers(), ...rt.alerts.handlers(), ...reviewBuildHandlers(rt.reviewBuilds), ...(rt.branchSync ? branchSyncHandlers(rt.branchSync) : {}) }, { concurrency, pollIntervalMs: pollMs, lockTimeoutMs, stopGraceMs: 10_000 });
  return { stop: () => worker.stop() };
}
