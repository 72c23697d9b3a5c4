// The in-process JobQueue adapter for the embedded single-process mode. Jobs persist in the
// table `assetbook_jobs` of the same SQL store as the catalog (PGlite, or PostgreSQL), so a
// restart loses nothing. Every change is one statement; a claim is one UPDATE of the row
// picked with FOR UPDATE SKIP LOCKED. Meant for one process: `queueName` serialisation is
// exact when the client is one connection (PGlite), best effort across connections.
import { randomUUID } from "node:crypto";
import * as q from "./local-sql";
import { claimedRow, idRow, parseJson, toJobInfo, validateEnqueue } from "./rows";
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  errorMessage,
  type EnqueueOptions,
  type EnqueueResult,
  type JobInfo,
  type JobQueue,
  type JsonValue,
  type SqlClient,
  type TaskHandlers,
  type WorkOptions,
  type Worker,
} from "./types";
import { Wake, settledWithin } from "./wake";

export async function openLocalQueue(sql: SqlClient): Promise<LocalQueue> {
  for (const statement of q.LOCAL_SCHEMA.split(";").map((s) => s.trim()).filter((s) => s !== "")) {
    await sql.query(statement);
  }
  return new LocalQueue(sql);
}

export class LocalQueue implements JobQueue {
  private readonly wake = new Wake();
  private readonly workers = new Set<LocalWorker>();

  constructor(private readonly sql: SqlClient) {}

  async enqueue(task: string, payload: JsonValue, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    validateEnqueue(task, opts.maxAttempts);
    const inserted = await this.sql.query(q.INSERT_JOB, [
      task,
      JSON.stringify(payload),
      opts.jobKey ?? null,
      opts.queueName ?? null,
      opts.priority ?? 0,
      opts.runAt?.toISOString() ?? null,
      opts.maxAttempts ?? 3,
    ]);
    const row = inserted.rows[0];
    if (row !== undefined) {
      this.wake.notify();
      return { id: idRow.parse(row).id, created: true };
    }
    const existing = await this.sql.query(q.JOB_ID_BY_KEY, [opts.jobKey]);
    return { id: idRow.parse(existing.rows[0]).id, created: false };
  }

  work(handlers: TaskHandlers, opts: WorkOptions): Worker {
    const worker = new LocalWorker(this.sql, this.wake, handlers, opts, () => this.workers.delete(worker));
    this.workers.add(worker);
    return worker;
  }

  async getJob(id: string): Promise<JobInfo | null> {
    if (!/^\d+$/.test(id)) return null;
    const { rows } = await this.sql.query(q.GET_JOB, [id]);
    return rows[0] === undefined ? null : toJobInfo(rows[0]);
  }

  async cancel(id: string): Promise<boolean> {
    if (!/^\d+$/.test(id)) return false;
    const { rows } = await this.sql.query(q.CANCEL_JOB, [id]);
    return rows.length > 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
  }
}

class LocalWorker implements Worker {
  private readonly id = `local-${randomUUID()}`;
  private readonly inflight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  private readonly lockTimeoutMs: number;
  private readonly pollMs: number;
  private readonly heartbeatTimer: NodeJS.Timeout;
  private stopped = false;
  private abandoned = false;
  private lastReap = -Infinity;
  private readonly loop: Promise<void>;

  constructor(
    private readonly sql: SqlClient,
    private readonly wake: Wake,
    private readonly handlers: TaskHandlers,
    private readonly opts: WorkOptions,
    private readonly onClose: () => void,
  ) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error("queue: concurrency must be a positive integer");
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 60_000;
    this.pollMs = opts.pollIntervalMs ?? 1_000;
    const beatMs = opts.heartbeatIntervalMs ?? Math.max(10, Math.floor(this.lockTimeoutMs / 3));
    this.heartbeatTimer = setInterval(() => void this.beat(), beatMs);
    this.loop = this.run();
  }

  private async beat(): Promise<void> {
    if (this.abandoned || this.inflight.size === 0) return;
    await this.sql.query(q.RENEW_WORKER_LEASES, [this.id, this.lockTimeoutMs]).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const tasks = Object.keys(this.handlers);
    while (!this.stopped) {
      try {
        // The loop wakes at every enqueue and every finished job; expired leases need a look about
        // once per poll (half a poll: a timer that fires a little early still reaps).
        if (performance.now() - this.lastReap >= this.pollMs / 2) {
          await this.sql.query(q.REAP_EXPIRED);
          this.lastReap = performance.now();
        }
        while (!this.stopped && this.inflight.size < this.opts.concurrency) {
          const { rows } = await this.sql.query(q.CLAIM_JOB, [this.id, this.lockTimeoutMs, tasks]);
          if (rows[0] === undefined) break;
          if (this.stopped) break; // the claimed job's lease runs out and it is retried
          this.start(claimedRow.parse(rows[0]));
        }
      } catch {
        // the store is unreachable or closing: try again at the next poll
      }
      if (!this.stopped) await this.wake.wait(this.pollMs);
    }
  }

  private start(job: { id: string; task: string; payload: unknown; attempts: number; max_attempts: number }): void {
    const abort = new AbortController();
    const handler = this.handlers[job.task];
    const attempt = job.attempts;
    const helpers = {
      attempt,
      maxAttempts: job.max_attempts,
      jobId: job.id,
      signal: abort.signal,
      heartbeat: async () => {
        if (this.abandoned) return;
        const { rows } = await this.sql.query(q.RENEW_JOB_LEASE, [this.id, this.lockTimeoutMs, job.id, attempt]);
        if (rows.length === 0) throw new Error(`queue: job ${job.id} attempt ${attempt} no longer holds its lock`);
      },
    };
    const done = (async () => {
      let error: unknown = null;
      try {
        if (handler === undefined) throw new Error(`queue: no handler for task "${job.task}"`);
        await handler(parseJson(job.payload), helpers);
      } catch (e) {
        error = e ?? new Error("handler failed");
      }
      if (this.abandoned) return;
      if (error === null) {
        await this.sql.query(q.COMPLETE_JOB, [job.id, this.id, attempt]);
      } else {
        const delay = backoffDelayMs(this.opts.backoff ?? DEFAULT_BACKOFF, attempt + 1);
        await this.sql.query(q.FAIL_JOB, [job.id, this.id, attempt, `attempt ${attempt}: ${errorMessage(error)}`, delay]);
      }
    })()
      .catch(() => undefined) // the lease expires and the job is retried
      .finally(() => {
        this.inflight.delete(job.id);
        this.wake.notify();
      });
    this.inflight.set(job.id, { done, abort });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    await this.loop;
    for (const { abort } of this.inflight.values()) abort.abort(new Error("worker stopped"));
    if (!this.abandoned) await settledWithin(
      [...this.inflight.values()].map((f) => f.done),
      this.opts.stopGraceMs ?? 5_000,
    );
    clearInterval(this.heartbeatTimer);
    this.onClose();
  }

  async abandon(): Promise<void> {
    this.abandoned = true;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    this.wake.notify();
    await this.loop;
  }
}
