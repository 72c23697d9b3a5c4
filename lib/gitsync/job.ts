// The `sync_branch` job: one branch sync on a worker, with production's lifecycle (the catalog
// follows each promotion) and each commit's outcome recorded in the catalog. The scheduler
// enqueues it every poll interval, a signed webhook on a push; one runs at a time.
import path from "node:path";
import type { AlertService } from "../alerts/service";
import type { CatalogDb } from "../catalog";
import type { GitFollowConfig } from "../config";
import type { JobHandler, JobQueue, TaskHandlers } from "../queue/types";
import type { ExtractSources } from "../runs/materialize";
import { productionLifecycle, type ChangesDeps } from "../runs/notebook-changes";
import { Redactor } from "../secrets";
import type { WarehouseLease } from "../warehouse/open";
import { syncBranch, type CommitOutcome, type SyncResult } from "./sync";

export const SYNC_BRANCH_TASK = "sync_branch";
export const SYNC_BRANCH_QUEUE = "branch-sync";

export interface BranchSyncDeps extends Omit<ChangesDeps, "warehouse" | "extract"> {
  /** The workspace's extract sources, read at each sync (a secret set since is seen). */
  extractSources?(workspaceId: string): Promise<ExtractSources>;
  git: GitFollowConfig;
  stateDir: string;
  openWarehouse(): Promise<WarehouseLease>;
  /** The credential's value (the workspace secret ASSETBOOK_GIT_CREDENTIAL names); null without one. */
  credential(): Promise<string | null>;
  /** Who hears of each commit's outcome (a failed one raises branch_sync_failed). */
  alerts?: Pick<AlertService, "branchCommit">;
}

/** Git's configuration from the environment: the token as HTTP basic auth, never in a URL or an argument. */
export function credentialEnv(token: string | null): Record<string, string> {
  if (token === null) return {};
  return { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(`assetbook:${token}`).toString("base64")}` };
}

async function recordCommit(db: CatalogDb, workspaceId: string, outcome: CommitOutcome): Promise<void> {
  const data = outcome.status === "promoted" ? { status: "promoted", reason: null, promotionId: outcome.promotion } : { status: "failed", reason: outcome.reason, promotionId: null };
  await db.gitCommit.upsert({ where: { workspaceId_sha: { workspaceId, sha: outcome.sha } }, create: { workspaceId, sha: outcome.sha, ...data }, update: data });
}

export async function runBranchSync(deps: BranchSyncDeps): Promise<SyncResult> {
  const token = await deps.credential();
  const redactor = new Redactor();
  if (token !== null) redactor.add(token);
  const lease = await deps.openWarehouse();
  try {
    const extract = deps.extractSources ? await deps.extractSources(deps.workspaceId) : undefined;
    const changes: ChangesDeps = { ...deps, warehouse: lease.warehouse, ...(extract ? { extract } : {}) };
    const result = await syncBranch({
      source: {
        remote: deps.git.remote,
        branch: deps.git.branch,
        folder: deps.git.folder,
        mirror: path.join(deps.stateDir, "git", "mirror.git"),
        gitEnv: credentialEnv(token),
        redact: (text) => redactor.redact(text),
      },
      ops: productionLifecycle(changes),
      warehouse: lease.warehouse,
      failedBefore: async (sha) => (await deps.db.gitCommit.findUnique({ where: { workspaceId_sha: { workspaceId: deps.workspaceId, sha } }, select: { status: true } }))?.status === "failed",
      record: async (outcome) => {
        const shown = outcome.status === "failed" ? { ...outcome, reason: redactor.redact(outcome.reason) } : outcome;
        await recordCommit(deps.db, deps.workspaceId, shown);
        await deps.alerts?.branchCommit(deps.workspaceId, { ...shown, branch: deps.git.branch, at: new Date() });
        if (outcome.status === "failed") console.warn(`[worker] branch ${deps.git.branch}: commit ${outcome.sha.slice(0, 12)} not promoted: ${redactor.redact(outcome.reason)}`);
        else console.log(`[worker] branch ${deps.git.branch}: promoted commit ${outcome.sha.slice(0, 12)} (${outcome.changed.join(", ") || "no asset changed"})`);
      },
    });
    return result;
  } finally {
    await lease.release();
  }
}

export function branchSyncHandlers(deps: BranchSyncDeps): TaskHandlers {
  const handler: JobHandler = async () => {
    await runBranchSync(deps);
  };
  return { [SYNC_BRANCH_TASK]: handler };
}

/** Asks for a sync: at most one waits per interval (the job key), and syncs never overlap (the queue). */
export async function requestBranchSync(queue: JobQueue, now: Date, everyMs: number, reason: "schedule" | "webhook"): Promise<void> {
  const slot = Math.floor(now.getTime() / everyMs);
  await queue.enqueue(SYNC_BRANCH_TASK, { reason }, { jobKey: `sync-branch:${reason}:${slot}`, queueName: SYNC_BRANCH_QUEUE, maxAttempts: 2 });
}

/** While production follows a branch, no other promotion may change it: the reason, else null. */
export function branchFollowRefusal(git: GitFollowConfig | null): string | null {
  return git === null ? null : `production follows the branch ${git.branch} of the workspace's git repository: changes reach it as commits to that branch (push yours to a branch and merge it)`;
}
