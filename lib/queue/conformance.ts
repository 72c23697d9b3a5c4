// One conformance suite for every JobQueue adapter. Assertions are on job records and on
// what handlers saw, never on timing; waits poll with a bound.
import { afterEach, describe, expect, it } from "vitest";
import type { JobQueue, JobHelpers, JsonValue, WorkOptions, Worker } from "./types";

export interface QueueFixture {
  /** Two queue instances over the same store, as two processes would have. */
  queues: [JobQueue, JobQueue];
  close(): Promise<void>;
}

export interface ConformanceOptions {
  /** Jobs in the "2 workers × N queued runs" case (500 on PostgreSQL). */
  bulkCount: number;
  bulkConcurrency: number;
}

const fast: Omit<WorkOptions, "concurrency"> = {
  pollIntervalMs: 20,
  backoff: { baseMs: 20, maxMs: 200 },
  lockTimeoutMs: 30_000,
  stopGraceMs: 2_000,
};

export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

function idOf(payload: JsonValue): number {
  if (typeof payload === "object" && payload !== null && !Array.isArray(payload) && typeof payload.n === "number") return payload.n;
  throw new Error(`unexpected payload ${JSON.stringify(payload)}`);
}

export function queueConformance(name: string, open: () => Promise<QueueFixture>, options: ConformanceOptions): void {
  describe(`JobQueue conformance: ${name}`, () => {
    let fixture: QueueFixture | null = null;
    const workers: Worker[] = [];

    async function setup(): Promise<[JobQueue, JobQueue]> {
      fixture = await open();
      return fixture.queues;
    }
    function start(queue: JobQueue, handlers: Parameters<JobQueue["work"]>[0], opts: Partial<WorkOptions> = {}): Worker {
      const w = queue.work(handlers, { concurrency: 2, ...fast, ...opts });
      workers.push(w);
      return w;
    }
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      await fixture?.close();
      fixture = null;
    });

    it(`2 workers × ${options.bulkCount} queued runs: each runs exactly once, concurrency limits hold`, async () => {
      const [a, b] = await setup();
      const runs: number[] = [];
      const running = [0, 0];
      const maxRunning = [0, 0];
      let maxTotal = 0;
      const handler = (w: 0 | 1) => async (payload: JsonValue) => {
        running[w] = (running[w] ?? 0) + 1;
        maxRunning[w] = Math.max(maxRunning[w] ?? 0, running[w] ?? 0);
        maxTotal = Math.max(maxTotal, (running[0] ?? 0) + (running[1] ?? 0));
        await new Promise((r) => setTimeout(r, (idOf(payload) % 3) * 2));
        runs.push(idOf(payload));
        running[w] = (running[w] ?? 0) - 1;
      };
      const ids: string[] = [];
      for (let n = 0; n < options.bulkCount; n++) ids.push((await a.enqueue("bulk", { n })).id);
      const k = options.bulkConcurrency;
      start(a, { bulk: handler(0) }, { concurrency: k });
      start(b, { bulk: handler(1) }, { concurrency: k });
      await waitFor("all bulk jobs", () => runs.length >= options.bulkCount, 120_000);
      await waitFor("records", async () => (await a.getJob(ids.at(-1) ?? ""))?.status === "succeeded");
      expect(runs.length).toBe(options.bulkCount);
      expect(new Set(runs).size).toBe(options.bulkCount);
      expect(maxRunning[0]).toBeLessThanOrEqual(k);
      expect(maxRunning[1]).toBeLessThanOrEqual(k);
      expect(maxTotal).toBeLessThanOrEqual(2 * k);
      expect(maxRunning[0]).toBeGreaterThan(0);
      expect(maxRunning[1]).toBeGreaterThan(0);
      for (const id of ids.slice(0, 20)) expect(await a.getJob(id)).toMatchObject({ status: "succeeded", attempts: 1 });
    });

    it("two enqueues with the same key give one job, also concurrently and after it ran", async () => {
      const [a, b] = await setup();
      const first = await a.enqueue("keyed", { n: 1 }, { jobKey: "k1" });
      const second = await b.enqueue("keyed", { n: 2 }, { jobKey: "k1" });
      expect(first.created).toBe(true);
      expect(second).toEqual({ id: first.id, created: false });
      const racing = await Promise.all([a.enqueue("keyed", { n: 3 }, { jobKey: "k2" }), b.enqueue("keyed", { n: 4 }, { jobKey: "k2" })]);
      expect(racing.filter((r) => r.created)).toHaveLength(1);
      expect(racing[0]?.id).toBe(racing[1]?.id);
      const seen: number[] = [];
      start(a, { keyed: async (p) => void seen.push(idOf(p)) });
      await waitFor("keyed jobs", () => seen.length >= 2);
      await waitFor("k1 done", async () => (await a.getJob(first.id))?.status === "succeeded");
      expect((await a.getJob(first.id))?.payload).toEqual({ n: 1 });
      expect(await b.enqueue("keyed", { n: 5 }, { jobKey: "k1" })).toEqual({ id: first.id, created: false });
      const other = await a.enqueue("keyed", { n: 6 });
      await waitFor("unkeyed job", () => seen.includes(6));
      expect(other.created).toBe(true);
      expect(seen.filter((n) => n !== 6).sort()).toHaveLength(2);
    });

    it("N transient failures end in success with N+1 attempts; always failing ends failed after maxAttempts", async () => {
      const [a] = await setup();
      const attempts = new Map<number, number[]>();
      const flaky = async (p: JsonValue, h: JobHelpers) => {
        const n = idOf(p);
        attempts.set(n, [...(attempts.get(n) ?? []), h.attempt]);
        if (n === 1 && h.attempt <= 2) throw new Error(`transient ${h.attempt}`);
        if (n === 2) throw new Error("always broken");
      };
      const ok = await a.enqueue("flaky", { n: 1 }, { maxAttempts: 5 });
      const bad = await a.enqueue("flaky", { n: 2 }, { maxAttempts: 3 });
      start(a, { flaky });
      await waitFor("outcomes", async () => {
        const [x, y] = await Promise.all([a.getJob(ok.id), a.getJob(bad.id)]);
        return x?.status === "succeeded" && y?.status === "failed";
      });
      expect(attempts.get(1)).toEqual([1, 2, 3]);
      expect(await a.getJob(ok.id)).toMatchObject({ status: "succeeded", attempts: 3, maxAttempts: 5 });
      expect(attempts.get(2)).toEqual([1, 2, 3]);
      const failed = await a.getJob(bad.id);
      expect(failed).toMatchObject({ status: "failed", attempts: 3, maxAttempts: 3 });
      expect(failed?.lastError).toContain("attempt 3: always broken");
    });

    it("a delayed job does not run before runAt", async () => {
      const [a] = await setup();
      const started: number[] = [];
      const runAt = new Date(Date.now() + 600);
      const delayed = await a.enqueue("t", { n: 1 }, { runAt });
      start(a, { t: async (p) => void started.push(idOf(p) === 1 ? Date.now() : -1) });
      const now = await a.enqueue("t", { n: 2 });
      await waitFor("the immediate job", async () => (await a.getJob(now.id))?.status === "succeeded");
      expect(await a.getJob(delayed.id)).toMatchObject({ status: "queued", attempts: 0 });
      await waitFor("the delayed job", async () => (await a.getJob(delayed.id))?.status === "succeeded");
      expect(started.filter((t) => t > 0).every((t) => t >= runAt.getTime() - 50)).toBe(true);
    });

    it("cancel of a queued job: it never runs; a finished job cannot be cancelled", async () => {
      const [a] = await setup();
      const ran: number[] = [];
      const doomed = await a.enqueue("t", { n: 1 }, { runAt: new Date(Date.now() + 300) });
      expect(await a.cancel(doomed.id)).toBe(true);
      expect(await a.cancel(doomed.id)).toBe(false);
      start(a, { t: async (p) => void ran.push(idOf(p)) });
      await new Promise((r) => setTimeout(r, 400));
      const after = await a.enqueue("t", { n: 2 });
      await waitFor("the later job", async () => (await a.getJob(after.id))?.status === "succeeded");
      expect(ran).toEqual([2]);
      expect(await a.getJob(doomed.id)).toMatchObject({ status: "cancelled", attempts: 0 });
      expect(await a.cancel(after.id)).toBe(false);
      expect(await a.getJob("999999")).toBeNull();
    });

    it("a stopped worker's job is retried: stop aborts the handler, another worker finishes it", async () => {
      const [a, b] = await setup();
      const seen: number[] = [];
      const job = await a.enqueue("slow", { n: 1 });
      start(a, {
        slow: (_p, h) =>
          new Promise<void>((_resolve, reject) => {
            seen.push(h.attempt);
            h.signal.addEventListener("abort", () => reject(new Error("aborted")));
          }),
      });
      await waitFor("first attempt", () => seen.length === 1);
      await workers[0]?.stop();
      expect(await a.getJob(job.id)).toMatchObject({ status: "queued", attempts: 1 });
      start(b, { slow: async (_p, h) => void seen.push(h.attempt) });
      await waitFor("retried", async () => (await a.getJob(job.id))?.status === "succeeded");
      expect(seen).toEqual([1, 2]);
    });

    it("a job cancelled after a stopped attempt keeps its attempt count", async () => {
      const [a] = await setup();
      let started = 0;
      const job = await a.enqueue("slow", { n: 1 });
      start(a, {
        slow: (_p, h) =>
          new Promise<void>((_resolve, reject) => {
            started++;
            h.signal.addEventListener("abort", () => reject(new Error("aborted")));
          }),
      });
      await waitFor("first attempt", () => started === 1);
      await workers[0]?.stop();
      expect(await a.cancel(job.id)).toBe(true);
      expect(await a.getJob(job.id)).toMatchObject({ status: "cancelled", attempts: 1 });
    });

    it("a crashed worker's job is picked up again after the lock timeout", async () => {
      const [a, b] = await setup();
      const seen: string[] = [];
      const job = await a.enqueue("crashy", { n: 1 });
      const crashing = start(
        a,
        { crashy: (_p, h) => new Promise<void>(() => void seen.push(`a${h.attempt}`)) },
        { lockTimeoutMs: 300, heartbeatIntervalMs: 50 },
      );
      await waitFor("claimed by the first worker", () => seen.length === 1);
      await crashing.abandon();
      start(b, { crashy: async (_p, h) => void seen.push(`b${h.attempt}`) }, { lockTimeoutMs: 300, heartbeatIntervalMs: 50 });
      await waitFor("recovered", async () => (await a.getJob(job.id))?.status === "succeeded");
      expect(seen).toEqual(["a1", "b2"]);
      expect(await a.getJob(job.id)).toMatchObject({ attempts: 2 });
    });

    it("a live worker holding a job longer than the lock timeout keeps it (heartbeats)", async () => {
      const [a, b] = await setup();
      const seen: string[] = [];
      const job = await a.enqueue("long", { n: 1 });
      const opts = { lockTimeoutMs: 200, heartbeatIntervalMs: 40 };
      const long = async (_p: JsonValue, h: JobHelpers) => {
        seen.push(`a${h.attempt}`);
        await new Promise((r) => setTimeout(r, 700));
      };
      start(a, { long }, opts);
      await waitFor("claimed", () => seen.length === 1);
      start(b, { long: async (_p, h) => void seen.push(`b${h.attempt}`) }, opts);
      await waitFor("done", async () => (await a.getJob(job.id))?.status === "succeeded");
      expect(seen).toEqual(["a1"]);
    });

    it("jobs of one named queue run one at a time", async () => {
      const [a, b] = await setup();
      let inQueue = 0;
      let maxInQueue = 0;
      const done: number[] = [];
      const handler = async (p: JsonValue) => {
        inQueue++;
        maxInQueue = Math.max(maxInQueue, inQueue);
        await new Promise((r) => setTimeout(r, 5));
        inQueue--;
        done.push(idOf(p));
      };
      for (let n = 0; n < 12; n++) await a.enqueue("serial", { n }, { queueName: "one-at-a-time" });
      start(a, { serial: handler }, { concurrency: 4 });
      start(b, { serial: handler }, { concurrency: 4 });
      await waitFor("serial jobs", () => done.length === 12);
      expect(maxInQueue).toBe(1);
      expect(new Set(done).size).toBe(12);
    });
  });
}
