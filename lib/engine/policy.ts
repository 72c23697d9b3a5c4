// Retry and timeout policy of a run's assets. Notebook defaults come from the front matter
// (`retries:`, `timeout:`, `run_timeout:`); a SQL cell overrides them in its header
// (`-- retries: 3`, `-- timeout: 30s`). Both are parsed and validated by lib/notebook: this
// module reads typed values only. Delays grow exponentially with jitter.
import type { AssetCell, FrontMatter, RunRetries } from "../notebook/types";

export interface RetryPolicy {
  /** Total attempts, including the first. */
  maxAttempts: number;
  /** Delay before the 2nd attempt; doubles after. */
  backoffMs: number;
  maxBackoffMs: number;
  /** 0..1: the share of each delay that is randomized. */
  jitter: number;
}

export interface AssetPolicy {
  retry: RetryPolicy;
  /** Per-attempt timeout, or null. */
  timeoutMs: number | null;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 1, backoffMs: 1_000, maxBackoffMs: 60_000, jitter: 0.2 };

/** One attempt, no timeout: what a cell gets where no policy is set (the CLI, the editor). */
export const DEFAULT_POLICY: AssetPolicy = { retry: DEFAULT_RETRY, timeoutMs: null };

function toRetry(base: RetryPolicy, input: RunRetries | undefined): RetryPolicy {
  if (input === undefined) return base;
  return {
    maxAttempts: input.max_attempts,
    backoffMs: "backoff" in input && input.backoff !== undefined ? input.backoff * 1000 : base.backoffMs,
    maxBackoffMs: "max_backoff" in input && input.max_backoff !== undefined ? input.max_backoff * 1000 : base.maxBackoffMs,
    jitter: "jitter" in input && input.jitter !== undefined ? input.jitter : base.jitter,
  };
}

export interface NotebookPolicy {
  defaults: AssetPolicy;
  runTimeoutMs: number | null;
}

/** The notebook's run defaults (its front matter, validated by the notebook parser). */
export function notebookPolicy(front: FrontMatter): NotebookPolicy {
  return {
    defaults: { retry: toRetry(DEFAULT_RETRY, front.retries), timeoutMs: front.timeout === undefined ? null : front.timeout * 1000 },
    runTimeoutMs: front.run_timeout === undefined ? null : front.run_timeout * 1000,
  };
}

/** A SQL cell's own `-- retries:` and `-- timeout:` over the notebook's defaults. */
export function assetPolicy(cell: AssetCell, notebook: NotebookPolicy): AssetPolicy {
  if (cell.kind !== "sql") return notebook.defaults;
  const { retries, timeout } = cell.config;
  return {
    retry: retries === undefined ? notebook.defaults.retry : { ...notebook.defaults.retry, maxAttempts: retries.max_attempts },
    timeoutMs: timeout === undefined ? notebook.defaults.timeoutMs : timeout * 1000,
  };
}

/** Delay before attempt `nextAttempt` (2 = the first retry); `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(30, Math.max(0, nextAttempt - 2)));
  return Math.round(exponential * (1 - policy.jitter + policy.jitter * random()));
}
