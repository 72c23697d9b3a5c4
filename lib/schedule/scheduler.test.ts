// Two schedulers ticking the same fake clock enqueue one job per tick, on the local queue
// over PGlite and on graphile-worker over PostgreSQL. Assertions are on the job tables.
import { freshPglite } from "../queue/test-pglite";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openGraphileQueue } from "../queue/graphile";
import { openLocalQueue } from "../queue/local";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import type { JobQueue, SqlClient } from "../queue/types";
import pg from "pg";
import { MemoryCursorStore, Scheduler, SqlCursorStore, type CursorStore, type ScheduleDef } from "./scheduler";

const every15 = (catchUp: boolean): ScheduleDef => ({ id: "rides", cron: "*/15 * * * *", timezone: "Europe/Paris", task: "run", catchUp });
const keysRow = z.object({ job_key: z.string(), n: z.coerce.number() });

function fakeClock(start: string): { now: () => Date; set(s: string): void } {
  let current = new Date(start);
  return { now: () => current, set: (s) => void (current = new Date(s)) };
}

async function scenario(queues: [JobQueue, JobQueue], cursors: [CursorStore, CursorStore], readKeys: () => Promise<Map<string, number>>) {
  const clock = fakeClock("2026-10-25T00:05:00Z");
  const defs = [every15(true)];
  const s1 = new Scheduler({ queue: queues[0], cursors: cursors[0], clock: clock.now, schedules: () => defs });
  const s2 = new Scheduler({ queue: queues[1], cursors: cursors[1], clock: clock.now, schedules: () => defs });
  // first evaluation only starts the cursor
  expect((await Promise.all([s1.tick(), s2.tick()])).flat()).toEqual([]);
  // across the fall-back hour in Paris: 00:15, 00:30, 00:45, 01:00 UTC
  clock.set("2026-10-25T01:07:00Z");
  const fired = (await Promise.all([s1.tick(), s2.tick()])).flat();
  expect(fired.filter((f) => f.created)).toHaveLength(4);
  // a restarted scheduler (same cursors) fires nothing new; a later tick fires once
  const s3 = new Scheduler({ queue: queues[0], cursors: cursors[0], clock: clock.now, schedules: () => defs });
  expect((await s3.tick()).filter((f) => f.created)).toEqual([]);
  clock.set("2026-10-25T01:15:00Z");
  await Promise.all([s1.tick(), s2.tick(), s3.tick()]);
  const keys = await readKeys();
  expect([...keys.keys()].sort()).toEqual(
    ["00:15", "00:30", "00:45", "01:00", "01:15"].map((t) => `schedule:rides:2026-10-25T${t}:00.000Z`),
  );
  expect([...keys.values()].every((n) => n === 1)).toBe(true);
}

async function readKeys(sql: SqlClient, table: string): Promise<Map<string, number>> {
  const { rows } = await sql.query(`select job_key, count(*) as n from ${table} where job_key is not null group by job_key`);
  return new Map(rows.map((r) => keysRow.parse(r)).map((r) => [r.job_key, r.n]));
}

describe("Scheduler", () => {
  it("catch-up off fires only the latest missed tick after downtime", async () => {
    const fired: string[] = [];
    const queue = {
      enqueue: async (_task: string, _payload: unknown, opts?: { jobKey?: string }) => {
        fired.push(opts?.jobKey ?? "");
        return { id: String(fired.length), created: true };
      },
    };
    const clock = fakeClock("2026-03-08T05:00:00Z");
    const s = new Scheduler({ queue, cursors: new MemoryCursorStore(), clock: clock.now, schedules: () => [{ ...every15(false), timezone: "America/New_York" }] });
    await s.tick();
    clock.set("2026-03-08T08:20:00Z");
    await s.tick();
    expect(fired).toEqual(["schedule:rides:2026-03-08T08:15:00.000Z"]);
  });

  it("reports an invalid schedule by name, once while it lasts, and fires the others", async () => {
    const fired: string[] = [];
    const reported: string[] = [];
    const clock = fakeClock("2026-03-08T05:00:00Z");
    const s = new Scheduler({
      queue: { enqueue: async (_task, _payload, opts) => (fired.push(opts?.jobKey ?? ""), { id: String(fired.length), created: true }) },
      cursors: new MemoryCursorStore(),
      clock: clock.now,
      schedules: () => ({ defs: [{ ...every15(false), id: "moon", timezone: "Moon/Base" }, every15(false)], problems: ["not scheduled: bad.md:2:1: YAML: broken"] }),
      report: (problem) => reported.push(problem),
    });
    await s.tick();
    clock.set("2026-03-08T05:20:00Z");
    await s.tick();
    expect(fired).toEqual(["schedule:rides:2026-03-08T05:15:00.000Z"]);
    expect(s.problems).toEqual(["not scheduled: bad.md:2:1: YAML: broken", 'schedule moon: schedule: unknown time zone "Moon/Base"']);
    expect(reported).toEqual(s.problems);
  });

  it("a schedule whose enqueue fails is reported; the next one still fires", async () => {
    const fired: string[] = [];
    const clock = fakeClock("2026-03-08T05:00:00Z");
    const s = new Scheduler({
      queue: {
        enqueue: async (_task, payload, opts) => {
          if (JSON.stringify(payload).includes('"first"')) throw new Error("the queue refused it");
          fired.push(opts?.jobKey ?? "");
          return { id: String(fired.length), created: true };
        },
      },
      cursors: new MemoryCursorStore(),
      clock: clock.now,
      schedules: () => [{ ...every15(false), id: "first" }, { ...every15(false), id: "second" }],
      report: () => undefined,
    });
    await s.tick();
    clock.set("2026-03-08T05:20:00Z");
    await s.tick();
    expect(fired).toEqual(["schedule:second:2026-03-08T05:15:00.000Z"]);
    expect(s.problems).toEqual(["schedule first: the queue refused it"]);
  });

  it("two schedulers, one clock: one job per tick (local queue on PGlite, separate and shared cursors)", async () => {
    const db = await freshPglite();
    try {
      const queues: [JobQueue, JobQueue] = [await openLocalQueue(db), await openLocalQueue(db)];
      // separate in-memory cursors: only the job keys keep ticks single
      await scenario(queues, [new MemoryCursorStore(), new MemoryCursorStore()], () => readKeys(db, "assetbook_jobs"));
      await db.query("delete from assetbook_jobs");
      const shared = new SqlCursorStore(db);
      await scenario(queues, [shared, shared], () => readKeys(db, "assetbook_jobs"));
    } finally {
      await db.close();
    }
  });
});

const dbs = pgDatabases("sched_gw");
afterAll(() => dbs.dropAll());

if (adminUrl) {
  it("two schedulers, one clock: one job per tick (graphile-worker on PostgreSQL)", async () => {
    const url = await dbs.fresh();
    const [a, b] = [await openGraphileQueue({ connectionString: url }), await openGraphileQueue({ connectionString: url })];
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await scenario([a, b], [new SqlCursorStore(client), new MemoryCursorStore()], () => readKeys(client, "assetbook_gw_jobs"));
      const { rows } = await client.query("select count(*)::int as n from graphile_worker.jobs where task_identifier = 'run'");
      expect(rows).toEqual([{ n: 5 }]);
    } finally {
      await client.end();
      await Promise.all([a.close(), b.close()]);
    }
  });
} else {
  describe.skip("scheduler on graphile-worker (set TEST_DATABASE_URL to run)", () => {
    it("needs a server", () => undefined);
  });
}
