// Binds lib/reviews to the server: the lifecycle's dependencies (withChanges) and the queue
// the workers claim review builds from (the embedded workers', or team mode's shared one).
// A review's refusal (ReviewError) becomes its HTTP status.
import { branchFollowRefusal } from "@/lib/gitsync/job";
import { REVIEW_BUILD_QUEUE, REVIEW_BUILD_TASK, reviewBuildJobKey } from "@/lib/reviews/build-job";
import { plainPromoteRefusal, type ReviewBuildJob, type ReviewDeps } from "@/lib/reviews/service";
import type { JobQueue } from "@/lib/queue/types";
import { withChanges } from "./lifecycle-data";
import { RouteError } from "./route";
import { appConfig } from "./config";
import { appContext, appTeamTriggers, appWorkers } from "./server-context";

/** The queue the workers claim from: team mode's shared one, else the embedded workers'. */
export async function reviewQueue(): Promise<JobQueue> {
  const team = await appTeamTriggers();
  if (team !== null) return team.queue;
  const workers = await appWorkers();
  if (workers === null) throw new RouteError(503, "no workers run in this server to build the review (ASSETBOOK_WORKERS is off, or they failed to start: see the server log)");
  return workers.queue;
}

async function enqueueBuild(job: ReviewBuildJob): Promise<void> {
  const queue = await reviewQueue();
  await queue.enqueue(REVIEW_BUILD_TASK, job, { jobKey: reviewBuildJobKey(job.revisionId, new Date()), queueName: REVIEW_BUILD_QUEUE, maxAttempts: 3 });
}

/** By name: errors thrown in lib cross bundles, where `instanceof` fails. */
function reviewStatus(error: unknown): number | null {
  if (!(error instanceof Error) || error.name !== "ReviewError" || !("status" in error) || typeof error.status !== "number") return null;
  return error.status;
}

/** Runs `work`, a review's refusal answered with its status. */
export async function reviewErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const status = reviewStatus(error);
    if (status !== null && error instanceof Error) throw new RouteError(status, error.message);
    throw error;
  }
}

/** Runs `work` with the lifecycle's dependencies (the warehouse, the parser) and the build queue. */
export function withReviews<T>(work: (deps: ReviewDeps) => Promise<T>, options: { extract?: boolean } = {}): Promise<T> {
  return reviewErrors(() => withChanges((deps) => work({ ...deps, enqueueBuild }), options));
}

/** While production follows a git branch, only the branch's commits reach it: every other promotion is refused (403). */
export function assertNotFollowingBranch(): void {
  const refusal = branchFollowRefusal(appConfig().git);
  if (refusal !== null) throw new RouteError(403, refusal);
}

/** The plain Promote (the Changes page, `assetbook promote` against the server) is closed while the policy requires reviews: 403. */
export async function assertPlainPromoteOpen(): Promise<void> {
  assertNotFollowingBranch();
  const { db, workspaceId } = await appContext();
  const refusal = await plainPromoteRefusal({ db, workspaceId });
  if (refusal !== null) throw new RouteError(403, refusal);
}
