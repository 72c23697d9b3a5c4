// Freshness policies, evaluated: whether an asset's data is `fresh`, `late` or `overdue`
// at an instant, and since when. Pure: the clock and the last success are arguments.
//
// - `max_lag` alone: overdue once the last success is more than max_lag old; late once it
//   is more than `warn_lag` old (when given). Dagster's time-window policy.
// - With `cron` (in `timezone`, default UTC): by each tick the data must be at most
//   max_lag old, i.e. materialized in [tick - max_lag, tick]. It is late from the start of
//   the next tick's window until a materialization lands in it, and overdue from the first
//   tick it missed until one lands. Ticks are read in the time zone (DST as the scheduler
//   reads them, lib/schedule/cron.ts); lags are real durations.
//
// An asset never materialized is measured from when its policy was first evaluated
// (`trackedSince`): a new policy gives a new asset one max_lag before it is overdue.
import type { FreshnessPolicy } from "../notebook/types";
import { tickAfter, tickAtOrBefore } from "./cron";

export const FRESHNESS_STATES = ["fresh", "late", "overdue"] as const;
export type FreshnessState = (typeof FRESHNESS_STATES)[number];

export interface FreshnessVerdict {
  state: FreshnessState;
  /** When the asset became so (the instant the state began, not when it was noticed). */
  since: Date;
}

export function evaluateFreshness(policy: FreshnessPolicy, lastSuccess: Date | null, trackedSince: Date, now: Date): FreshnessVerdict {
  const base = lastSuccess ?? trackedSince;
  const maxLagMs = policy.max_lag * 1000;
  if (policy.cron === undefined) {
    const overdueAt = base.getTime() + maxLagMs;
    if (now.getTime() > overdueAt) return { state: "overdue", since: new Date(overdueAt) };
    if (policy.warn_lag !== undefined) {
      const lateAt = base.getTime() + policy.warn_lag * 1000;
      if (now.getTime() > lateAt) return { state: "late", since: new Date(lateAt) };
    }
    return { state: "fresh", since: base };
  }
  const spec = { cron: policy.cron, timezone: policy.timezone ?? "UTC" };
  // A tick is met by a success at or after tick - max_lag: the last success misses every tick after base + max_lag.
  const latest = tickAtOrBefore(spec, now);
  if (latest !== null && base.getTime() < latest.getTime() - maxLagMs) {
    const firstMissed = tickAfter(spec, new Date(base.getTime() + maxLagMs));
    return { state: "overdue", since: firstMissed ?? latest };
  }
  const next = tickAfter(spec, now);
  if (next !== null) {
    const windowOpens = next.getTime() - maxLagMs;
    if (now.getTime() >= windowOpens && base.getTime() < windowOpens) return { state: "late", since: new Date(windowOpens) };
  }
  return { state: "fresh", since: base };
}

/** A policy as one line for people: `max 6h old`, `by 09:00 (0 9 * * *, Europe/Paris), at most 1h old`. */
export function describePolicy(policy: FreshnessPolicy): string {
  const lag = formatLag(policy.max_lag);
  if (policy.cron === undefined) return `at most ${lag} old${policy.warn_lag === undefined ? "" : ` (late after ${formatLag(policy.warn_lag)})`}`;
  return `at most ${lag} old at each tick of ${policy.cron} (${policy.timezone ?? "UTC"})`;
}

function formatLag(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3_600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
