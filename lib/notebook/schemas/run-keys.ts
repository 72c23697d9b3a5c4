// Keys that shape production runs of an asset (or, in the front matter, of a notebook):
// when it runs on its own (`schedule`), whether it follows its inputs (`refresh`), which
// concurrency pools it draws from (`tags`) and how many of its materializations may run at
// once (`concurrency`). The editor ignores them; the workers read them with runKeysOf().
import { Cron } from "croner";
import { z } from "zod";

/** Why a cron expression of five fields (minute hour day month weekday) is invalid, or null. */
export function cronError(cron: string): string | null {
  if (cron.trim().split(/\s+/).length !== 5) return "a cron expression has 5 fields: minute hour day month weekday";
  try {
    new Cron(cron, { timezone: "UTC", paused: true });
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const cronSchema = z.string().superRefine((cron, ctx) => {
  const why = cronError(cron);
  if (why !== null) ctx.addIssue({ code: "custom", message: `invalid cron "${cron}": ${why}` });
});

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return name.trim() !== "";
  } catch {
    return false;
  }
}

export const timeZoneSchema = z.string().refine(isTimeZone, { message: "not an IANA time zone (e.g. UTC, Europe/Paris)" });

export const scheduleSchema = z.strictObject({
  cron: cronSchema,
  timezone: timeZoneSchema.optional(),
  /** Run parameters every run of this schedule is given (checked against the notebook's `params` when it fires). */
  params: z.record(z.string().regex(/^[a-z_][a-z0-9_]*$/, "a parameter's name"), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

/** `on_upstream_update`: materialize after any input is materialized by another run. */
export const REFRESH_POLICIES = ["on_upstream_update"] as const;
export type RefreshPolicy = (typeof REFRESH_POLICIES)[number];

export const TAG_PATTERN = /^[A-Za-z0-9_.:-]+$/;
export const tagSchema = z.string().regex(TAG_PATTERN, { message: "a tag is letters, digits, _ . : -" });

export const runKeys = {
  schedule: scheduleSchema.optional(),
  refresh: z.enum(REFRESH_POLICIES).optional(),
  tags: z.array(tagSchema).optional(),
  concurrency: z.number().int().positive().optional(),
};

export const RUN_KEY_NAMES = Object.keys(runKeys);

const runKeysSchema = z.object(runKeys);
export type RunKeys = z.infer<typeof runKeysSchema>;

/** The run keys of a parsed cell config or front matter (already validated by the parser). */
export function runKeysOf(config: object): RunKeys {
  const parsed = runKeysSchema.safeParse(config);
  return parsed.success ? parsed.data : {};
}
