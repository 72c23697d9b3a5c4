// The scheduler: on each tick(now) it enqueues the due ticks of every schedule, keyed by
// tickKey, so two schedulers (or one that restarted) enqueue each tick once. The clock, the
// queue and where cursors live are injected. One schedule that cannot be read or fired is
// reported, and the others fire.
import type { JobQueue, JsonValue, SqlClient } from "../queue/types";
import { z } from "zod";
import { assertSchedule, dueTicks, tickKey, type ScheduleSpec } from "./cron";

export interface ScheduleDef extends ScheduleSpec {
  id: string;
  /** The queue task that runs a tick. */
  task: string;
  /** After downtime, fire every missed tick (true) or only the latest (false). */
  catchUp: boolean;
  payload?: JsonValue;
}

/** Where each schedule has been evaluated up to. */
export interface CursorStore {
  get(scheduleId: string): Promise<Date | null>;
  /** Never moves a cursor backwards. */
  advance(scheduleId: string, to: Date): Promise<void>;
}

export interface FiredTick {
  scheduleId: string;
  tick: Date;
  jobId: string;
  created: boolean;
}

/** Schedules, and the problems of the sources that could not give theirs (a notebook that does not parse). */
export interface ScheduleSet {
  defs: ScheduleDef[];
  problems: string[];
}

export interface SchedulerDeps {
  queue: Pick<JobQueue, "enqueue">;
  cursors: CursorStore;
  clock: () => Date;
  schedules: () => ScheduleDef[] | ScheduleSet | Promise<ScheduleDef[] | ScheduleSet>;
  maxCatchUp?: number;
  /** Where problems go when they appear (not on every tick while they last); default the server log. */
  report?: (problem: string) => void;
}

const scheduleSet = (schedules: ScheduleDef[] | ScheduleSet): ScheduleSet => (Array.isArray(schedules) ? { defs: schedules, problems: [] } : schedules);

export class Scheduler {
  private current: string[] = [];

  constructor(private readonly deps: SchedulerDeps) {}

  /** The last tick's problems: schedules it could not read or fire. Each schedule's failure is its own; the others fire. */
  get problems(): readonly string[] {
    return this.current;
  }

  async tick(now: Date = this.deps.clock()): Promise<FiredTick[]> {
    const fired: FiredTick[] = [];
    const { defs, problems } = scheduleSet(await this.deps.schedules());
    const found = [...problems];
    for (const def of defs) {
      try {
        fired.push(...(await this.fire(def, now)));
      } catch (error) {
        found.push(`schedule ${def.id}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    this.reportNew(found);
    return fired;
  }

  private async fire(def: ScheduleDef, now: Date): Promise<FiredTick[]> {
    const fired: FiredTick[] = [];
    assertSchedule(def);
    const last = await this.deps.cursors.get(def.id);
    const maxCatchUp = this.deps.maxCatchUp ?? 1_000;
    const ticks = dueTicks(def, last, now, { catchUp: def.catchUp, maxCatchUp });
    for (const tick of ticks) {
      const payload = { scheduleId: def.id, tick: tick.toISOString(), payload: def.payload ?? null };
      const { id, created } = await this.deps.queue.enqueue(def.task, payload, { jobKey: tickKey(def.id, tick) });
      fired.push({ scheduleId: def.id, tick, jobId: id, created });
    }
    // a bounded catch-up resumes after its last tick on the next call
    const capped = def.catchUp && ticks.length >= maxCatchUp;
    await this.deps.cursors.advance(def.id, capped ? (ticks.at(-1) ?? now) : now);
    return fired;
  }

  private reportNew(found: string[]): void {
    const report = this.deps.report ?? ((problem: string) => console.warn(`[scheduler] ${problem}`));
    for (const problem of found) if (!this.current.includes(problem)) report(problem);
    this.current = found;
  }
}

export class MemoryCursorStore implements CursorStore {
  private readonly cursors = new Map<string, Date>();

  async get(scheduleId: string): Promise<Date | null> {
    return this.cursors.get(scheduleId) ?? null;
  }

  async advance(scheduleId: string, to: Date): Promise<void> {
    const current = this.cursors.get(scheduleId);
    if (current === undefined || current.getTime() < to.getTime()) this.cursors.set(scheduleId, to);
  }
}

const cursorRow = z.object({ evaluated_until: z.union([z.date(), z.string().transform((s) => new Date(s))]) });

/** Cursors in the SQL store (PGlite or PostgreSQL), shared by every scheduler process. */
export class SqlCursorStore implements CursorStore {
  private ready: Promise<unknown> | null = null;

  constructor(private readonly sql: SqlClient) {}

  private init(): Promise<unknown> {
    const create = () =>
      this.sql.query(`create table if not exists assetbook_schedule_cursors (schedule_id text primary key, evaluated_until timestamptz not null)`);
    // Two schedulers starting together race on `if not exists` (PostgreSQL answers a
    // unique violation to the loser): the table then exists, so one retry settles it.
    this.ready ??= create().catch(create).catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async get(scheduleId: string): Promise<Date | null> {
    await this.init();
    const { rows } = await this.sql.query(`select evaluated_until from assetbook_schedule_cursors where schedule_id = $1`, [scheduleId]);
    return rows[0] === undefined ? null : cursorRow.parse(rows[0]).evaluated_until;
  }

  async advance(scheduleId: string, to: Date): Promise<void> {
    await this.init();
    await this.sql.query(
      `insert into assetbook_schedule_cursors (schedule_id, evaluated_until) values ($1, $2::timestamptz)
       on conflict (schedule_id) do update set evaluated_until = greatest(assetbook_schedule_cursors.evaluated_until, excluded.evaluated_until)`,
      [scheduleId, to.toISOString()],
    );
  }
}
