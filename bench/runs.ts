// Production runs end to end, through the RunService (catalog rows, run events, the queue,
// fencing, concurrency bookkeeping, the engine), on the embedded store (PGlite + in-process
// queue) and on PostgreSQL (graphile-worker; when BENCH_DATABASE_URL or TEST_DATABASE_URL is
// set, in a database of its own):
// - run-start latency: from triggerRun() to the first SQL statement of the run's asset
//   (the `CREATE TABLE … AS` of a one-cell notebook on DuckDB), one run at a time, p50/p95;
// - throughput of no-op runs (the asset's materialization returns at once) on 1 and 2
//   workers of `concurrency` each, in this process; on PostgreSQL also with the second worker
//   in a process of its own (bench/runs-worker.ts), as team mode runs workers. The embedded
//   store is one process by design: its second worker shares the one thread and connection.
// Baseline, in the same run: the same one-cell plan materialized in-process by the engine
// (no catalog, no queue), p50 per plan and plans/s.
// Usage: npx tsx bench/runs.ts [runs=1000] [concurrency=4]
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { openCatalogStore, type CatalogStore } from "../lib/catalog";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { materializeSql } from "../lib/engine/materialize";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { parseNotebook } from "../lib/notebook/parse";
import { openGraphileQueue } from "../lib/queue/graphile";
import { openLocalQueue } from "../lib/queue/local";
import type { JobQueue } from "../lib/queue/types";
import { materializeWithEngine, prismaSqlClient, RunService, type MaterializeFn } from "../lib/runs";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import type { Warehouse } from "../lib/warehouse/types";

const runs = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 4);
const latencySamples = 100;
const NOTEBOOK = ["```sql one", "select 1 as x", "```", ""].join("\n");
const work = { pollIntervalMs: 200, lockTimeoutMs: 60_000 };

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const parser = await NodeSqlReferenceParser.create();
const notebooksDir = await mkdtemp(path.join(os.tmpdir(), "bench-runs-"));
await writeFile(path.join(notebooksDir, "one.md"), NOTEBOOK);
const warehouse: Warehouse = await openDuckDbWarehouse({ path: ":memory:" });

async function baseline(): Promise<{ p50: number; rate: number }> {
  const parsed = parseNotebook(NOTEBOOK, "one.md");
  const cell = parsed.notebook?.cells.find((c) => c.type === "asset");
  if (cell?.type !== "asset" || cell.kind !== "sql") throw new Error("the bench notebook has no SQL cell");
  const times: number[] = [];
  for (let i = 0; i < latencySamples; i++) {
    const t0 = performance.now();
    await materializeSql(warehouse, cell);
    times.push(performance.now() - t0);
  }
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) await materializeSql(warehouse, cell);
  return { p50: pct(times, 50), rate: runs / ((performance.now() - t0) / 1000) };
}

interface Setup {
  store: CatalogStore;
  queues: JobQueue[];
  workspaceId: string;
  /** PostgreSQL: where a worker in another process finds the store and the queue. */
  databaseUrl?: string;
}

function service(setup: Setup, queue: JobQueue, materialize: MaterializeFn): RunService {
  return new RunService({ db: setup.store.db, queue, openWarehouse: async () => ({ warehouse, release: async () => undefined }), notebooksDir, parser: async () => parser, materialize });
}

async function allFinished(setup: Setup, ids: string[]): Promise<void> {
  for (;;) {
    const open = await setup.store.db.run.count({ where: { id: { in: ids }, status: { in: ["queued", "running"] } } });
    if (open === 0) return;
    await sleep(20);
  }
}

async function latency(setup: Setup): Promise<{ p50: number; p95: number }> {
  const firstSql = new Map<string, number>();
  const svc = service(setup, setup.queues[0]!, (cell, ctx) => {
    firstSql.set(ctx.runId, performance.now()); // the next call issues the asset's first statement
    return materializeWithEngine(cell, ctx);
  });
  const worker = setup.queues[0]!.work(svc.handlers(), { concurrency, ...work });
  const lat: number[] = [];
  for (let i = 0; i < latencySamples; i++) {
    const t0 = performance.now();
    const { runId } = await svc.triggerRun({ workspaceId: setup.workspaceId, notebook: "one", trigger: "manual" });
    while (!firstSql.has(runId)) await new Promise((r) => setImmediate(r));
    lat.push((firstSql.get(runId) ?? NaN) - t0);
    await allFinished(setup, [runId]);
  }
  await worker.stop();
  return { p50: pct(lat, 50), p95: pct(lat, 95) };
}

const noop: MaterializeFn = async () => ({ ok: true, rows: 0, columns: [], checks: [] });

async function throughput(setup: Setup, workers: number): Promise<number> {
  const services = setup.queues.slice(0, workers).map((q) => service(setup, q, noop));
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) ids.push((await services[0]!.triggerRun({ workspaceId: setup.workspaceId, notebook: "one", trigger: "manual" })).runId);
  const t0 = performance.now();
  const ws = services.map((svc, i) => setup.queues[i]!.work(svc.handlers(), { concurrency, ...work }));
  await allFinished(setup, ids);
  const rate = runs / ((performance.now() - t0) / 1000);
  await Promise.all(ws.map((w) => w.stop()));
  return rate;
}

/** One worker here and one in a child process (warmed up on a batch of its own before the clock starts). */
async function throughputTwoProcesses(setup: Setup, databaseUrl: string): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./runs-worker.ts", import.meta.url)), databaseUrl, notebooksDir, String(concurrency)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const said = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const told = async (word: string) => {
    for (let line = await said.next(); !line.done; line = await said.next()) if (line.value === word) return;
    throw new Error(`the worker process exited before "${word}"`);
  };
  try {
    await told("ready");
    const svc = service(setup, setup.queues[0]!, noop);
    const trigger = async (n: number) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) ids.push((await svc.triggerRun({ workspaceId: setup.workspaceId, notebook: "one", trigger: "manual" })).runId);
      return ids;
    };
    const warmUp = await trigger(Math.min(runs, 100));
    child.stdin.write("go\n");
    await allFinished(setup, warmUp);
    child.stdin.write("pause\n");
    await told("paused");
    const ids = await trigger(runs);
    const t0 = performance.now();
    child.stdin.write("go\n");
    const here = setup.queues[0]!.work(svc.handlers(), { concurrency, ...work });
    await allFinished(setup, ids);
    const rate = runs / ((performance.now() - t0) / 1000);
    await here.stop();
    return rate;
  } finally {
    child.stdin.end("stop\n");
    await exited;
  }
}

async function measure(name: string, setup: Setup, base: { p50: number; rate: number }): Promise<void> {
  const lat = await latency(setup);
  const one = await throughput(setup, 1);
  const two = await throughput(setup, 2);
  const processes = setup.databaseUrl === undefined ? null : await throughputTwoProcesses(setup, setup.databaseUrl);
  console.log(
    `${name.padEnd(22)} start p50 ${lat.p50.toFixed(1).padStart(6)} ms  p95 ${lat.p95.toFixed(1).padStart(6)} ms (goal p95 < 250 ms: ${lat.p95 < 250 ? "MET" : "NOT MET"})  ` +
      `1 worker ${one.toFixed(0).padStart(5)} runs/s  2 workers ${two.toFixed(0).padStart(5)} runs/s (×${(two / one).toFixed(2)})` +
      (processes === null ? "" : `  2 worker processes ${processes.toFixed(0).padStart(5)} runs/s (×${(processes / one).toFixed(2)})`) +
      `  baseline/1w ×${(base.rate / one).toFixed(1)}`,
  );
}

const base = await baseline();
console.log(`runs=${runs} concurrency=${concurrency}/worker; baseline (the plan in-process, no catalog, no queue): p50 ${base.p50.toFixed(2)} ms per plan, ${base.rate.toFixed(0)} plans/s`);

{
  const store = await openCatalogStore({ catalogDir: "memory://" }, { onWarning: () => undefined });
  const db = store.db;
  const queues = [await openLocalQueue(prismaSqlClient(db)), await openLocalQueue(prismaSqlClient(db))];
  const workspaceId = (await ensureWorkspace(db)).id;
  await measure("embedded (PGlite)", { store, queues, workspaceId }, base);
  await Promise.all(queues.map((q) => q.close()));
  await store.close();
}

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) {
  const name = `bench_runs_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name} template template0`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    const store = await openCatalogStore({ databaseUrl: url.toString() }, { onWarning: () => undefined });
    const queues = [await openGraphileQueue({ connectionString: url.toString() }), await openGraphileQueue({ connectionString: url.toString() })];
    const workspaceId = (await ensureWorkspace(store.db)).id;
    await measure("team (PostgreSQL)", { store, queues, workspaceId, databaseUrl: url.toString() }, base);
    await Promise.all(queues.map((q) => q.close()));
    await store.close();
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("team (PostgreSQL): skipped, set BENCH_DATABASE_URL or TEST_DATABASE_URL");
}
await warehouse.close();
parser.close();
await rm(notebooksDir, { recursive: true, force: true });
