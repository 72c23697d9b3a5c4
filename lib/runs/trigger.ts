// Triggering and cancelling runs: a catalog row plus one `materialize_run` job. This is all a
// process needs that only starts runs (the app in team mode, where workers execute them).
import { parseNotebook } from "../notebook/parse";
import { resolveParams } from "../notebook/params";
import { appendRunLog, importNotebookVersion, latestNotebookVersion, recordRun, setRunStatus, type CatalogDb } from "../catalog";
import { isPromoted, productionVersion } from "../catalog/production";
import type { JobQueue } from "../queue/types";
import { readNotebook } from "../workspace/notebook-files";
import { RUN_TASK, runPayloadSchema, triggerInputSchema, type RunPayload, type TriggerInput } from "./payload";

export interface RunTriggerDeps {
  db: CatalogDb;
  queue: Pick<JobQueue, "enqueue" | "cancel" | "getJob">;
  /** Where `<slug>.md` files live; a changed file becomes a new notebook version on trigger. */
  notebooksDir: string;
  /** Attempts of the run's job: crash recoveries (default 5). */
  jobMaxAttempts?: number;
}

export class RunInputError extends Error {
  constructor(
    message: string,
    /** `not_found`: no such notebook; `invalid`: what the trigger asked for is wrong (its parameters). */
    readonly kind: "not_found" | "invalid" = "not_found",
  ) {
    super(message);
    this.name = "RunInputError";
  }
}

/**
 * A RunInputError, told by name: in embedded mode the run service is loaded by
 * instrumentation.ts, a bundle apart from the routes' with its own copy of the class, so
 * `instanceof` misses it there.
 */
export function isRunInputError(error: unknown): error is RunInputError {
  return error instanceof Error && error.name === "RunInputError";
}

export interface TriggeredRun {
  runId: string;
  jobId: string;
  created: boolean;
}

export class RunTriggers {
  constructor(private readonly deps: RunTriggerDeps) {}

  async triggerRun(raw: TriggerInput): Promise<TriggeredRun> {
    const input = triggerInputSchema.parse(raw);
    const { db } = this.deps;
    const version = await this.currentVersion(input.workspaceId, input.notebook);
    // The parameters are checked against the text this run executes, before anything is recorded.
    const declared = parseNotebook(version.text, `${input.notebook}.md`).notebook?.frontMatter.params ?? {};
    const params = resolveParams(declared, input.params ?? {});
    if (!params.ok) throw new RunInputError(params.problems.join("; "), "invalid");
    const run = await recordRun(db, {
      workspaceId: input.workspaceId,
      environment: input.environment,
      selection: input.selection ?? [],
      notebookId: version.notebookId,
      trigger: input.trigger,
      partitions: input.partition === undefined ? [] : [input.partition],
      createdById: input.createdById ?? null,
    });
    const payload: RunPayload = { runId: run.id, versionId: version.id, partition: input.partition ?? null, chain: input.chain ?? [], fullRefresh: input.fullRefresh ?? false, params: input.params ?? {} };
    const job = await this.deps.queue.enqueue(RUN_TASK, payload, {
      jobKey: input.jobKey ?? `run:${run.id}`,
      maxAttempts: this.deps.jobMaxAttempts ?? 5,
      ...(input.runAt ? { runAt: input.runAt } : {}),
      ...(input.queueName ? { queueName: input.queueName } : {}),
    });
    if (!job.created) {
      // The key already has its run: this one never existed.
      await db.run.delete({ where: { id: run.id } });
      const existing = await this.deps.queue.getJob(job.id);
      const parsed = runPayloadSchema.safeParse(existing?.payload);
      if (!parsed.success) throw new Error(`job ${job.id} for key ${input.jobKey ?? ""} has no run`);
      return { runId: parsed.data.runId, jobId: job.id, created: false };
    }
    await appendRunLog(db, run.id, {
      message: `triggered by ${input.trigger}`,
      data: { event: "enqueued", trigger: input.trigger, jobId: job.id, versionId: version.id, partition: input.partition ?? null, ...(input.fullRefresh ? { fullRefresh: true } : {}), ...(input.params ? { params: input.params } : {}) },
    });
    return { runId: run.id, jobId: job.id, created: true };
  }

  /** Cancels a queued or running run; false when it already finished or does not exist. A
   * running run sees the status change and stops (whichever worker holds it). */
  async cancelRun(runId: string): Promise<boolean> {
    const { db } = this.deps;
    const cancelled = await setRunStatus(db, runId, "cancelled", "cancelled by request");
    if (cancelled === null) return false;
    const enqueued = await db.runEvent.findFirst({ where: { runId, type: "log", message: { startsWith: "triggered by" } } });
    const jobId = jobIdOf(enqueued?.data ?? null);
    if (jobId !== null) await this.deps.queue.cancel(jobId);
    return true;
  }

  private async currentVersion(workspaceId: string, slug: string): Promise<{ id: string; notebookId: string; text: string }> {
    // Once promoted, production runs production's text: a saved working copy changes nothing.
    if (await isPromoted(this.deps.db, workspaceId)) {
      const production = await productionVersion(this.deps.db, workspaceId, slug);
      if (production === null) throw new RunInputError(`notebook "${slug}" is not in production: promote it before running it in production`);
      return production;
    }
    const text = (await readNotebook(this.deps.notebooksDir, slug))?.text ?? null;
    const latest = await latestNotebookVersion(this.deps.db, workspaceId, slug);
    // An unchanged file is the latest version already: importing it would only read it again, locked.
    if (text !== null && latest?.text !== text) return (await importNotebookVersion(this.deps.db, { workspaceId, slug, text, authorId: null })).version;
    if (latest === null) throw new RunInputError(`notebook "${slug}" is neither in the notebooks directory nor in the catalog`);
    return latest;
  }
}

function jobIdOf(data: unknown): string | null {
  if (typeof data !== "object" || data === null || !("jobId" in data)) return null;
  return typeof data.jobId === "string" ? data.jobId : null;
}
