// Queue overhead: run-start latency (enqueue -> handler start, p50/p95) and throughput of
// no-op jobs on 1 and 2 workers, for the local queue (PGlite) and graphile-worker (PostgreSQL,
// when BENCH_DATABASE_URL or TEST_DATABASE_URL is set; a fresh database is created and dropped),
// against a baseline measured in the same run: the same no-op handler called in-process.
// Usage: npx tsx bench/queue.ts [jobs=1000] [concurrency=4]
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { openGraphileQueue } from "../lib/queue/graphile";
import { openLocalQueue } from "../lib/queue/local";
import type { JobQueue } from "../lib/queue/types";

const jobs = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 4);
const latencySamples = 100;
const work = { pollIntervalMs: 200, lockTimeoutMs: 60_000 };

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const noop = async (): Promise<void> => undefined;

async function baseline(): Promise<{ p50: number; p95: number; rate: number }> {
  const lat: number[] = [];
  for (let i = 0; i < latencySamples; i++) {
    const t0 = performance.now();
    await (async () => void lat.push(performance.now() - t0))();
  }
  const t0 = performance.now();
  for (let i = 0; i < jobs; i++) await noop();
  return { p50: pct(lat, 50), p95: pct(lat, 95), rate: jobs / ((performance.now() - t0) / 1000) };
}

async function latency(queue: JobQueue): Promise<{ p50: number; p95: number }> {
  const started = new Map<number, number>();
  const worker = queue.work({ lat: async (p) => void started.set(typeof p === "number" ? p : -1, performance.now()) }, { concurrency, ...work });
  const lat: number[] = [];
  for (let i = 0; i < latencySamples; i++) {
    const t0 = performance.now();
    await queue.enqueue("lat", i);
    while (!started.has(i)) await new Promise((r) => setImmediate(r));
    lat.push((started.get(i) ?? NaN) - t0);
  }
  await worker.stop();
  return { p50: pct(lat, 50), p95: pct(lat, 95) };
}

async function throughput(queues: JobQueue[], workers: number): Promise<number> {
  const [first] = queues;
  if (!first) throw new Error("no queue");
  for (let i = 0; i < jobs; i++) await first.enqueue(`tp${workers}`, i);
  let done = 0;
  const t0 = performance.now();
  const ws = queues.slice(0, workers).map((q) => q.work({ [`tp${workers}`]: async () => void done++ }, { concurrency, ...work }));
  while (done < jobs) await new Promise((r) => setTimeout(r, 2));
  const rate = jobs / ((performance.now() - t0) / 1000);
  await Promise.all(ws.map((w) => w.stop()));
  return rate;
}

function row(name: string, lat: { p50: number; p95: number }, one: number, two: number, base: number): string {
  return `${name.padEnd(22)} p50 ${lat.p50.toFixed(1).padStart(7)} ms  p95 ${lat.p95.toFixed(1).padStart(7)} ms  1 worker ${one.toFixed(0).padStart(6)}/s  2 workers ${two.toFixed(0).padStart(6)}/s (×${(two / one).toFixed(2)})  baseline/1w ×${(base / one).toFixed(0)}`;
}

const base = await baseline();
console.log(`jobs=${jobs} concurrency=${concurrency}/worker; in-process baseline: p50 ${base.p50.toFixed(3)} ms, p95 ${base.p95.toFixed(3)} ms, ${base.rate.toFixed(0)} calls/s`);

{
  const db = new PGlite();
  const queues = [await openLocalQueue(db), await openLocalQueue(db)];
  const [q0] = queues;
  if (q0) console.log(row("local (PGlite)", await latency(q0), await throughput(queues, 1), await throughput(queues, 2), base.rate));
  await db.close();
}

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) {
  const name = `bench_queue_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template template0`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const queues = [await openGraphileQueue({ connectionString: url.toString() }), await openGraphileQueue({ connectionString: url.toString() })];
    const [q0] = queues;
    if (q0) console.log(row("graphile (PostgreSQL)", await latency(q0), await throughput(queues, 1), await throughput(queues, 2), base.rate));
    await Promise.all(queues.map((q) => q.close()));
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("graphile (PostgreSQL): skipped, set BENCH_DATABASE_URL or TEST_DATABASE_URL");
}
