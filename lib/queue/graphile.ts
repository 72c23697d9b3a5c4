// The JobQueue adapter over PostgreSQL with graphile-worker 0.17 (team mode: any number of
// worker processes share the queue). graphile claims, locks and notifies; this adapter adds
// idempotency keys, an outcome record, our backoff, and heartbeats that free a dead worker's
// jobs after `lockTimeoutMs` (see graphile-sql.ts).
import { Logger, run, runMigrations, type JobHelpers as GwHelpers, type Runner, type Task } from "graphile-worker";
import pg from "pg";
import { z } from "zod";
import * as q from "./graphile-sql";
import { parseJson, toJobInfo, validateEnqueue } from "./rows";
import {
  DEFAULT_BACKOFF,
  backoffDelayMs,
  errorMessage,
  type EnqueueOptions,
  type EnqueueResult,
  type JobHandler,
  type JobInfo,
  type JobQueue,
  type JsonValue,
  type TaskHandlers,
  type WorkOptions,
  type Worker,
} from "./types";

export interface GraphileQueueOptions {
  connectionString: string;
  /** Connections of the adapter's pool, shared by enqueue and its workers (default 10). */
  maxPoolSize?: number;
}

const silent = new Logger(() => () => undefined);
const enqueued = z.object({ id: z.string(), created: z.boolean() });
const count = z.object({ n: z.coerce.number() });

export async function openGraphileQueue(opts: GraphileQueueOptions): Promise<GraphileQueue> {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.maxPoolSize ?? 10 });
  // a client that lost its connection is replaced by the pool; graphile retries its queries
  pool.on("error", () => undefined);
  pool.on("connect", (client) => void client.on("error", () => undefined));
  try {
    await runMigrations({ pgPool: pool, logger: silent });
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("select pg_advisory_xact_lock(hashtext('assetbook_gw_schema'))");
      for (const statement of q.GW_SCHEMA) await client.query(statement);
      await client.query("commit");
    } catch (e) {
      await client.query("rollback").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end();
    throw e;
  }
  return new GraphileQueue(pool);
}

export class GraphileQueue implements JobQueue {
  private readonly workers = new Set<GraphileWorker>();

  constructor(private readonly pool: pg.Pool) {}

  async enqueue(task: string, payload: JsonValue, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    validateEnqueue(task, opts.maxAttempts);
    const { rows } = await this.pool.query(q.ENQUEUE, [
      task,
      JSON.stringify(payload),
      opts.jobKey ?? null,
      opts.queueName ?? null,
      opts.runAt?.toISOString() ?? null,
      opts.maxAttempts ?? 3,
      opts.priority ?? 0,
    ]);
    return enqueued.parse(rows[0]);
  }

  work(handlers: TaskHandlers, opts: WorkOptions): Worker {
    const worker = new GraphileWorker(this.pool, handlers, opts, () => this.workers.delete(worker));
    this.workers.add(worker);
    return worker;
  }

  async getJob(id: string): Promise<JobInfo | null> {
    if (!/^\d+$/.test(id)) return null;
    const { rows } = await this.pool.query(q.GET_JOB, [id]);
    return rows[0] === undefined ? null : toJobInfo(rows[0]);
  }

  async cancel(id: string): Promise<boolean> {
    if (!/^\d+$/.test(id)) return false;
    const { rows } = await this.pool.query(q.CANCEL, [id]);
    return rows.length > 0;
  }

  async close(): Promise<void> {
    await Promise.all([...this.workers].map((w) => w.stop()));
    await this.pool.end();
  }
}

class LeaseLost extends Error {}

class GraphileWorker implements Worker {
  private readonly pools = new Set<string>();
  private readonly inflight = new Set<AbortController>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly runner: Promise<Runner>;
  private readonly lockTimeoutMs: number;
  private abandoned = false;
  private releaseAbandoned: () => void = () => undefined;
  private readonly abandonedRelease = new Promise<void>((resolve) => {
    this.releaseAbandoned = resolve;
  });
  private stopping: Promise<void> | null = null;
  private abandonedStop: Promise<void> = Promise.resolve();
  private interrupt: (reason: Error) => void = () => undefined;
  /** Rejects when the worker is abandoned, or stopGraceMs after stop(). */
  private readonly interrupted = new Promise<never>((_resolve, reject) => {
    this.interrupt = reject;
  });

  constructor(
    private readonly pool: pg.Pool,
    handlers: TaskHandlers,
    private readonly opts: WorkOptions,
    private readonly onClose: () => void,
  ) {
    if (!Number.isInteger(opts.concurrency) || opts.concurrency < 1) throw new Error("queue: concurrency must be a positive integer");
    this.lockTimeoutMs = opts.lockTimeoutMs ?? 60_000;
    this.interrupted.catch(() => undefined);
    const pollMs = opts.pollIntervalMs ?? 1_000;
    const taskList: Record<string, Task> = {};
    for (const [name, handler] of Object.entries(handlers)) taskList[name] = (payload, h) => this.runTask(handler, payload, h);
    this.runner = run({
      pgPool: pool,
      taskList,
      concurrency: opts.concurrency,
      pollInterval: pollMs,
      noHandleSignals: true,
      logger: silent,
      preset: { worker: { gracefulShutdownAbortTimeout: opts.stopGraceMs ?? 5_000 } },
    });
    const beatMs = opts.heartbeatIntervalMs ?? Math.max(10, Math.floor(this.lockTimeoutMs / 3));
    this.timers.push(setInterval(() => void this.beat(), beatMs));
    this.timers.push(setInterval(() => void this.maintain(), pollMs));
  }

  private async beat(): Promise<void> {
    if (this.abandoned || this.pools.size === 0) return;
    await this.pool.query(q.BEAT, [[...this.pools]]).catch(() => undefined);
  }

  /** Frees retries whose delay has passed and jobs of dead pools; wakes the runners if any. */
  private async maintain(): Promise<void> {
    if (this.abandoned) return;
    try {
      const retried = count.parse((await this.pool.query(q.RELEASE_RETRIES)).rows[0]).n;
      const reaped = count.parse((await this.pool.query(q.REAP_DEAD_POOLS, [this.lockTimeoutMs])).rows[0]).n;
      if (retried + reaped > 0) await this.pool.query(q.NOTIFY, [retried + reaped]);
    } catch {
      // the database is unreachable or closing: next round
    }
  }

  private async runTask(handler: JobHandler, payload: unknown, h: GwHelpers): Promise<void> {
    const poolId = h.job.locked_by ?? "";
    const id = String(h.job.id);
    const attempt = h.job.attempts;
    if (this.abandoned) return this.hang();
    // A pool beats from its first job on; the attempt is graphile's own (the shadow copies it when the job ends).
    if (!this.pools.has(poolId)) {
      await this.pool.query(q.REGISTER_POOL, [poolId]);
      this.pools.add(poolId);
    }
    const abort = new AbortController();
    this.inflight.add(abort);
    let error: unknown = null;
    try {
      const running = handler(parseJson(payload), {
        attempt,
        maxAttempts: h.job.max_attempts,
        jobId: id,
        signal: abort.signal,
        heartbeat: async () => {
          if (!this.abandoned) await this.pool.query(q.BEAT, [[poolId]]);
        },
      });
      // a frozen worker stops waiting; a stopping one waits stopGraceMs for the aborted handler
      await Promise.race([running, this.interrupted]);
    } catch (e) {
      error = e ?? new Error("handler failed");
    } finally {
      this.inflight.delete(abort);
    }
    if (this.abandoned) return this.hang();
    if (error === null) {
      const { rows } = await this.pool.query(q.MARK_SUCCEEDED, [id, attempt, poolId]);
      if (rows.length === 0) throw new LeaseLost(`job ${id} attempt ${attempt} lost its lock`);
      return;
    }
    const message = `attempt ${attempt}: ${errorMessage(error)}`;
    if (attempt < h.job.max_attempts) {
      const delay = backoffDelayMs(this.opts.backoff ?? DEFAULT_BACKOFF, attempt + 1);
      await this.pool.query(q.PARK_FOR_RETRY, [id, attempt, poolId, message, delay]);
    } else {
      await this.pool.query(q.MARK_FAILED, [id, attempt, message]);
    }
    // graphile's own failJob is a no-op on a parked job (it is no longer locked by this pool)
    throw new Error(message);
  }

  /** A frozen worker reports nothing; on stop() its jobs are left to the lock timeout. */
  private async hang(): Promise<void> {
    await this.abandonedRelease;
    throw new LeaseLost("worker abandoned");
  }

  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const abort of this.inflight) abort.abort(new Error("worker stopped"));
    const grace = setTimeout(() => this.interrupt(new Error("worker stopped")), this.opts.stopGraceMs ?? 5_000);
    this.releaseAbandoned();
    const runner = await this.runner;
    if (this.abandoned) await this.abandonedStop;
    else await runner.stop().catch(() => undefined);
    clearTimeout(grace);
    this.onClose();
  }

  async abandon(): Promise<void> {
    this.abandoned = true;
    for (const t of this.timers) clearInterval(t);
    for (const abort of this.inflight) abort.abort(new Error("worker abandoned"));
    this.interrupt(new Error("worker abandoned"));
    // stop claiming, as a frozen process would; the jobs it holds stay locked until stop()
    this.abandonedStop = this.runner.then((r) => r.stop()).catch(() => undefined);
  }
}
