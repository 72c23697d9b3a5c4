// The JobQueue port. Two adapters implement it: graphile-worker over PostgreSQL (team mode)
// and an in-process queue over the embedded SQL store (PGlite, single process). Both pass
// the one conformance suite in ./conformance.ts.
//
// Semantics shared by both adapters:
// - at-least-once delivery, exactly-once claim: a job is held by one worker at a time;
//   only a crash (lease expiry) makes it run again, as a new attempt.
// - `jobKey` is an idempotency key: while the queue keeps the job's record, enqueueing the
//   same key again returns the existing job with `created: false` (even after it ran).
// - attempts count claims; a failed attempt is retried with exponential backoff until
//   `maxAttempts`, then the job is `failed` with the last error kept.
// - `queueName` makes jobs of that queue run one at a time (across all workers).

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export const JOB_STATUSES: readonly JobStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === "string" && JOB_STATUSES.some((s) => s === value);
}

export interface EnqueueOptions {
  /** Idempotency key: the same key gives one job. */
  jobKey?: string;
  /** Not run before this instant. */
  runAt?: Date;
  /** Total attempts, including the first (default 3). */
  maxAttempts?: number;
  /** Lower runs first (default 0). */
  priority?: number;
  /** Jobs of one named queue run serially. */
  queueName?: string;
}

export interface EnqueueResult {
  id: string;
  created: boolean;
}

export interface JobInfo {
  id: string;
  task: string;
  payload: JsonValue;
  status: JobStatus;
  /** Attempts started so far (a crashed attempt counts). */
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  jobKey: string | null;
  queueName: string | null;
  runAt: Date;
}

export interface JobHelpers {
  /** 1 for the first attempt. Also the fencing token of this attempt. */
  attempt: number;
  /** The job's last attempt: when it fails too, the job fails for good. */
  maxAttempts: number;
  jobId: string;
  /** Aborted when the worker stops; a handler should give up promptly. */
  signal: AbortSignal;
  /** Extends this worker's lease; workers also beat on their own every heartbeatIntervalMs. */
  heartbeat(): Promise<void>;
}

export type JobHandler = (payload: JsonValue, helpers: JobHelpers) => Promise<void>;

export type TaskHandlers = Record<string, JobHandler>;

export interface BackoffPolicy {
  /** Delay before the 2nd attempt; doubles each attempt after. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 5 * 60_000 };

export interface WorkOptions {
  /** Handlers running at once in this worker. */
  concurrency: number;
  /** Fallback poll when no wake-up arrives (default 1000 ms). */
  pollIntervalMs?: number;
  /** A claim whose worker has not beaten for this long is released to others (default 60 s). */
  lockTimeoutMs?: number;
  /** How often a live worker renews its lease (default lockTimeoutMs / 3). */
  heartbeatIntervalMs?: number;
  /** Retry delays (default 1 s doubling, at most 5 min). */
  backoff?: BackoffPolicy;
  /** How long stop() waits for running handlers after aborting them (default 5 s). */
  stopGraceMs?: number;
}

export interface Worker {
  /** Stops claiming, aborts running handlers' signals and waits for them (bounded). */
  stop(): Promise<void>;
  /**
   * Behaves like a frozen or killed process: stops heartbeating and never reports the outcome
   * of jobs it holds (or claims afterwards); other workers pick them up after the lock
   * timeout. For crash tests; call stop() afterwards to release its resources.
   */
  abandon(): Promise<void>;
}

export interface JobQueue {
  enqueue(task: string, payload: JsonValue, opts?: EnqueueOptions): Promise<EnqueueResult>;
  work(handlers: TaskHandlers, opts: WorkOptions): Worker;
  getJob(id: string): Promise<JobInfo | null>;
  /** Cancels a queued job (it will never run). False when it is running, finished or unknown. */
  cancel(id: string): Promise<boolean>;
  /** Releases the adapter's own resources (pools, timers); never the caller's client. */
  close(): Promise<void>;
}

/** Delay before attempt `nextAttempt` (2 = first retry). */
export function backoffDelayMs(policy: BackoffPolicy, nextAttempt: number): number {
  const exponent = Math.max(0, nextAttempt - 2);
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(exponent, 30));
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/** The minimal SQL surface both a PGlite instance and a pg.Client/Pool satisfy. */
export interface SqlClient {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}
