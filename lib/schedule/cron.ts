// Schedules: a cron expression read in an IANA time zone, parsed by croner.
//
// DST, decided like Vixie cron and Dagster, and tested:
// - a wall-clock time that does not exist (spring forward: 02:30 on 2026-03-29 in
//   Europe/Paris) fires once, at the first instant after the gap (03:00 local);
// - a wall-clock time that occurs twice (fall back: 01:30 on 2026-10-25 in Europe/Paris)
//   fires once, at its first occurrence;
// - schedules finer than the shift (every 15 minutes) fire at every real instant that matches.
// Ticks are instants (Date, UTC); a tick's identity is its ISO string.
import { Cron } from "croner";
import { cronError, isTimeZone } from "../notebook/schemas/run-keys";

export interface ScheduleSpec {
  cron: string;
  timezone: string;
}

/** Throws naming the bad cron or time zone (the notebook parser reports them first, at their line). */
export function assertSchedule(spec: ScheduleSpec): void {
  const why = cronError(spec.cron);
  if (why !== null) throw new Error(`schedule: invalid cron "${spec.cron}": ${why}`);
  if (!isTimeZone(spec.timezone)) throw new Error(`schedule: unknown time zone "${spec.timezone}"`);
}

function cronOf(spec: ScheduleSpec): Cron {
  assertSchedule(spec);
  return new Cron(spec.cron, { timezone: spec.timezone, paused: true });
}

/** Ticks in (after, until], oldest first, at most `limit`. */
export function nextTicks(spec: ScheduleSpec, after: Date, until: Date, limit = 10_000): Date[] {
  const cron = cronOf(spec);
  const ticks: Date[] = [];
  let cursor = after;
  while (ticks.length < limit) {
    const next = cron.nextRun(cursor);
    if (next === null || next.getTime() > until.getTime()) break;
    ticks.push(next);
    cursor = next;
  }
  return ticks;
}

/** The latest tick at or before `at`, if it is after `after`. */
function latestTick(spec: ScheduleSpec, after: Date, at: Date): Date | null {
  const cron = cronOf(spec);
  const [previous] = cron.previousRuns(1, new Date(at.getTime() + 1));
  return previous !== undefined && previous.getTime() > after.getTime() ? previous : null;
}

export interface DueOptions {
  /** Fire every tick missed since lastTick (downtime), not only the latest. */
  catchUp: boolean;
  /** At most this many catch-up ticks per call, oldest first (default 1,000). */
  maxCatchUp?: number;
}

/**
 * The ticks to fire now: those in (lastTick, now]. All of them when catchUp (oldest first,
 * bounded), else only the latest. lastTick null means the schedule was never evaluated:
 * nothing is due, and the caller records `now` as its starting point.
 */
export function dueTicks(spec: ScheduleSpec, lastTick: Date | null, now: Date, opts: DueOptions): Date[] {
  if (lastTick === null || now.getTime() <= lastTick.getTime()) return [];
  if (opts.catchUp) return nextTicks(spec, lastTick, now, opts.maxCatchUp ?? 1_000);
  const latest = latestTick(spec, lastTick, now);
  return latest === null ? [] : [latest];
}

/** The idempotency key of one tick: two schedulers enqueueing it make one job. */
export function tickKey(scheduleId: string, tick: Date): string {
  return `schedule:${scheduleId}:${tick.toISOString()}`;
}

/** The first tick after `after` (strictly), or null when there is none. */
export function tickAfter(spec: ScheduleSpec, after: Date): Date | null {
  return cronOf(spec).nextRun(after);
}

/** The latest tick at or before `at`, or null when there is none. */
export function tickAtOrBefore(spec: ScheduleSpec, at: Date): Date | null {
  return latestTick(spec, new Date(0), at);
}
