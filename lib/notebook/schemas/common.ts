// Pieces shared by the cell schemas.
import { z } from "zod";
import { cronSchema, runKeys, timeZoneSchema } from "./run-keys";
import { isAssetName, parseDuration, SECRET_PATTERN, ASSET_NAME_RULE, TABLE_NAME_PATTERN, schemaNameProblem } from "../values";

export const assetNameSchema = z
  .string()
  .refine(isAssetName, { message: `not a valid asset name (${ASSET_NAME_RULE})` });

/** A table read by a cell: an asset name, or a qualified external table. */
export const tableNameSchema = z.string().regex(TABLE_NAME_PATTERN, { message: "not a valid table name" });

/** The schema an asset is placed in (`schema: staging`). */
export const schemaNameSchema = z.string().superRefine((name, ctx) => {
  const problem = schemaNameProblem(name);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/** Keys of a cell whose asset is a table: where it is placed. */
export const placementKeys = { schema: schemaNameSchema.optional() };

/** A string that may be `secret:NAME`; a malformed secret reference is an error. */
export const secretOrStringSchema = z
  .string()
  .refine((s) => !s.startsWith("secret:") || SECRET_PATTERN.test(s), {
    message: "a secret reference is secret:NAME (letters, digits, underscores)",
  });

/** An absolute http:// or https:// URL (a secret reference is not one: secrets go in auth, headers or params). */
export const httpUrlSchema = z.string().refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), { message: "expected an http:// or https:// URL" });

/** Seconds as a number, or a duration string (`30s`, `15m`, `24h`, `7d`); parsed to seconds. */
export const durationSchema = z.union([z.number().nonnegative(), z.string()]).transform((value, ctx) => {
  if (typeof value === "number") return value;
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    ctx.addIssue({ code: "custom", message: `expected seconds or a duration like 30s, 15m, 24h, 7d, got "${value}"` });
    return z.NEVER;
  }
  return seconds;
});

const lagSchema = durationSchema.pipe(z.number().positive({ message: "a lag is more than 0 seconds" }));

/**
 * A freshness policy (`freshness: { max_lag: 6h }`): the data must never be older than
 * `max_lag` (late once older than `warn_lag`, when given); with `cron`, by each of its
 * ticks (in `timezone`) the data must be at most `max_lag` old. Lags are parsed to seconds.
 */
export const freshnessSchema = z
  .strictObject({ max_lag: lagSchema, warn_lag: lagSchema.optional(), cron: cronSchema.optional(), timezone: timeZoneSchema.optional() })
  .superRefine((policy, ctx) => {
    if (policy.timezone !== undefined && policy.cron === undefined) ctx.addIssue({ code: "custom", path: ["timezone"], message: "timezone is for a policy with a cron" });
    if (policy.warn_lag !== undefined && policy.cron !== undefined) {
      ctx.addIssue({ code: "custom", path: ["warn_lag"], message: "warn_lag is for a policy without cron (with a cron, the data is late from max_lag before each tick)" });
    }
    if (policy.warn_lag !== undefined && policy.warn_lag >= policy.max_lag) ctx.addIssue({ code: "custom", path: ["warn_lag"], message: "warn_lag is shorter than max_lag" });
  });
export type FreshnessPolicy = z.output<typeof freshnessSchema>;

/** Timers cannot wait longer than 2^31 - 1 ms: a timeout is at most ~23 days. */
export const MAX_TIMEOUT_SECONDS = 2_000_000;
export const timeoutSchema = durationSchema.pipe(z.number().positive({ message: "a timeout is more than 0 seconds" }).max(MAX_TIMEOUT_SECONDS, { message: `a timeout is at most ${MAX_TIMEOUT_SECONDS} seconds (about 23 days)` }));

/** Run retries: a count of retries (`3`), or `{ max_attempts, backoff, max_backoff, jitter }`; parsed to the object form. */
export const runRetriesSchema = z.union([
  z.number().int().min(0).max(100).transform((n) => ({ max_attempts: n + 1 })),
  z.strictObject({
    max_attempts: z.number().int().min(1).max(101),
    backoff: durationSchema.optional(),
    max_backoff: durationSchema.optional(),
    jitter: z.number().min(0).max(1).optional(),
  }),
]);
export type RunRetries = z.output<typeof runRetriesSchema>;

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]);

/** A check item in YAML: a check-list string, or `check <name>: <sql>` (a one-key mapping). */
export const checkItemSchema = z.union([z.string(), z.record(z.string(), z.string())]);

/** Keys every asset cell may carry, whatever its kind. */
export const commonCellKeys = {
  description: z.string().optional(),
  deps: oneOrMany(assetNameSchema).optional(),
  checks: oneOrMany(checkItemSchema).optional(),
  warn: oneOrMany(checkItemSchema).optional(),
  freshness: freshnessSchema.optional(),
  ...runKeys,
};

export const COMMON_CELL_KEY_NAMES = Object.keys(commonCellKeys);
