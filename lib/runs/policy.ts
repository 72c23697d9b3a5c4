// Retry and timeout policy of a run's assets. Notebook defaults come from the front matter
// (`retries:`, `timeout:`, `run_timeout:`); a SQL cell overrides them in its header
// (`-- retries: 3`, `-- timeout: 30s`). Delays grow exponentially with jitter.
import { z } from "zod";
import { durationSchema } from "../notebook/schemas/common";
import type { AssetCell, FrontMatter } from "../notebook/types";

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

const retriesSchema = z.union([
  z.number().int().min(0).transform((n) => ({ max_attempts: n + 1 })),
  z.strictObject({
    max_attempts: z.number().int().min(1),
    backoff: durationSchema.optional(),
    max_backoff: durationSchema.optional(),
    jitter: z.number().min(0).max(1).optional(),
  }),
]);

const notebookRunKeys = z.looseObject({
  retries: retriesSchema.optional(),
  timeout: durationSchema.optional(),
  run_timeout: durationSchema.optional(),
});

type RetriesInput = z.infer<typeof retriesSchema>;

function toRetry(base: RetryPolicy, input: RetriesInput | undefined): RetryPolicy {
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

/** Throws a ZodError naming the key when the front matter's run keys are malformed. */
export function notebookPolicy(front: FrontMatter): NotebookPolicy {
  const parsed = notebookRunKeys.parse(front);
  return {
    defaults: { retry: toRetry(DEFAULT_RETRY, parsed.retries), timeoutMs: parsed.timeout === undefined ? null : parsed.timeout * 1000 },
    runTimeoutMs: parsed.run_timeout === undefined ? null : parsed.run_timeout * 1000,
  };
}

/** `-- key: value` lines at the top of a SQL cell, for the keys the notebook parser leaves to us. */
function sqlHeaderValue(body: string, key: string): string | undefined {
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    const comment = /^\s*--\s*([a-z_]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!comment) {
      if (line.trim().startsWith("--")) continue;
      return undefined;
    }
    if (comment[1] === key) return comment[2];
  }
  return undefined;
}

function headerNumberOrDuration(text: string | undefined, schema: z.ZodType<number>): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  return schema.parse(value);
}

export function assetPolicy(cell: AssetCell, notebook: NotebookPolicy): AssetPolicy {
  if (cell.kind !== "sql") return notebook.defaults;
  const retries = headerNumberOrDuration(sqlHeaderValue(cell.body, "retries"), z.number().int().min(0));
  const timeout = headerNumberOrDuration(sqlHeaderValue(cell.body, "timeout"), durationSchema);
  return {
    retry: retries === undefined ? notebook.defaults.retry : { ...notebook.defaults.retry, maxAttempts: retries + 1 },
    timeoutMs: timeout === undefined ? notebook.defaults.timeoutMs : timeout * 1000,
  };
}

/** Delay before attempt `nextAttempt` (2 = the first retry); `random` in [0, 1). */
export function retryDelayMs(policy: RetryPolicy, nextAttempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.min(30, Math.max(0, nextAttempt - 2)));
  return Math.round(exponential * (1 - policy.jitter + policy.jitter * random()));
}
