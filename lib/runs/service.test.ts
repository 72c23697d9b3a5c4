// Runs end to end on each catalog store (embedded PGlite; PostgreSQL when TEST_DATABASE_URL
// is set, required in CI): the in-process queue over the store, DuckDB as the warehouse.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { materializeSql } from "../engine/materialize";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { backfillProgress, startBackfill } from "./backfill";
import { materializeWithEngine, type MaterializeFn } from "./materialize";
import { notebookPartitions } from "../partitions/windows";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

const TWO_ASSETS = (front = "") => `---
title: T
${front}---

\`\`\`sql src
select 1 as id union all select 2 as id
\`\`\`

\`\`\`sql doubled
select id * 2 as v from src
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("runs on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  const workers: Worker[] = [];
  let seam: MaterializeFn = materializeWithEngine;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-runs-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    seam = materializeWithEngine;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  function service(): RunService {
    return new RunService({
      db,
      queue,
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      notebooksDir: dir,
      parser: async () => parser,
      cancelPollMs: 50,
      random: () => 0.5,
      materialize: (cell, ctx) => seam(cell, ctx),
    });
  }
  function work(svc: RunService, lockTimeoutMs = 30_000): Worker {
    const w = queue.work(svc.handlers(), { concurrency: 4, pollIntervalMs: 20, lockTimeoutMs, stopGraceMs: 2_000 });
    workers.push(w);
    return w;
  }
  async function finished(runId: string): Promise<string> {
    let status = "";
    await waitFor(`run ${runId} to finish`, async () => {
      status = (await db.run.findUniqueOrThrow({ where: { id: runId } })).status;
      return status !== "queued" && status !== "running";
    });
    return status;
  }
  const events = async (runId: string, event: string, asset?: string) =>
    (await db.runEvent.findMany({ where: { runId, ...(asset ? { asset } : {}) }, orderBy: { id: "asc" } })).filter(
      (e) => typeof e.data === "object" && e.data !== null && "event" in e.data && e.data.event === event,
    );

  it("triggers a run that succeeds and records each materialization in production", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS());
    const svc = service();
    work(svc);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual", environment: "production" });
    expect(await finished(runId)).toBe("succeeded");
    const mats = await db.materialization.findMany({ where: { runId }, include: { asset: true } });
    expect(mats.map((m) => [m.asset.name, m.environment, m.status, Number(m.rows)]).sort()).toEqual([
      ["doubled", "production", "succeeded", 2],
      ["src", "production", "succeeded", 2],
    ]);
    expect(mats.every((m) => m.notebookVersionId !== null && m.columns !== null)).toBe(true);
    expect(await warehouse.query("select v from doubled order by v")).toEqual([{ v: 2 }, { v: 4 }]);
  });

  it("a run whose job fails for good (any error, on its last attempt) ends failed with the reason and frees its slots", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS("concurrency: 1\n"));
    const broken = new RunService({
      db,
      queue,
      jobMaxAttempts: 2,
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      notebooksDir: dir,
      parser: () => Promise.reject(new Error("the SQL parser is unavailable")),
    });
    const worker = work(broken);
    const { runId } = await broken.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await finished(runId)).toBe("failed");
    const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run.error).toMatch(/last attempt \(2\): the SQL parser is unavailable/);
    await worker.stop();
    // The notebook's one slot is free again: the next run of it gets it and succeeds.
    const svc = service();
    work(svc);
    const next = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await finished(next.runId)).toBe("succeeded");
  });

  it("retries an asset: N transient failures then success, N+1 attempts recorded", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS("retries: { max_attempts: 4, backoff: 0.01 }\n"));
    let failures = 2;
    seam = async (cell, ctx) => (cell.name === "src" && failures-- > 0 ? { ok: false, reason: "flaky source", checks: [] } : materializeWithEngine(cell, ctx));
    const svc = service();
    work(svc);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await finished(runId)).toBe("succeeded");
    expect(await events(runId, "attempt_started", "src")).toHaveLength(3);
    expect(await events(runId, "attempt_failed", "src")).toHaveLength(2);
    expect(await events(runId, "attempt_succeeded", "src")).toHaveLength(1);
  });

  it("fails after max_attempts with every attempt recorded, and skips downstream", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS("retries: { max_attempts: 3, backoff: 0.01 }\n"));
    seam = async (cell, ctx) => (cell.name === "src" ? { ok: false, reason: "always down", checks: [] } : materializeWithEngine(cell, ctx));
    const svc = service();
    work(svc);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await finished(runId)).toBe("failed");
    expect(await events(runId, "attempt_failed", "src")).toHaveLength(3);
    expect(await events(runId, "asset_skipped", "doubled")).toHaveLength(1);
  });

  it("times out an asset and leaves the old table whole", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS("timeout: 0.2\n"));
    await warehouse.exec("create table src as select 42 as id");
    seam = async (cell, ctx) => {
      await ctx.warehouse.exec(`create table _ab_stage__${cell.name} as select 7 as id`);
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
      await ctx.warehouse.swap([{ staging: `_ab_stage__${cell.name}`, target: cell.name }]);
      return { ok: true, rows: 1, columns: [], checks: [] };
    };
    const svc = service();
    work(svc);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await finished(runId)).toBe("failed");
    const failed = await events(runId, "attempt_failed", "src");
    expect(failed[0]?.message).toContain("timed out");
    expect(await warehouse.query("select id from src")).toEqual([{ id: 42 }]);
    expect(await warehouse.describe("_ab_stage__src")).toBeNull();
  });

  it("cancels a running run: staging dropped, old table whole, status cancelled", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS());
    await warehouse.exec("create table src as select 42 as id");
    let started = false;
    seam = async (cell, ctx) => {
      await ctx.warehouse.exec(`create table _ab_stage__${cell.name} as select 7 as id`);
      started = true;
      await new Promise((r) => ctx.signal.addEventListener("abort", r));
      await ctx.warehouse.swap([{ staging: `_ab_stage__${cell.name}`, target: cell.name }]);
      return { ok: true, rows: 1, columns: [], checks: [] };
    };
    const svc = service();
    work(svc);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    await waitFor("the asset to start", () => started);
    expect(await svc.cancelRun(runId)).toBe(true);
    expect(await finished(runId)).toBe("cancelled");
    await waitFor("the attempt to stop", async () => (await events(runId, "attempt_failed", "src")).length === 1);
    expect(await warehouse.query("select id from src")).toEqual([{ id: 42 }]);
    expect(await warehouse.describe("_ab_stage__src")).toBeNull();
    expect(await db.materialization.count({ where: { runId, status: "succeeded" } })).toBe(0);
  });

  it("cancels a queued run: it never runs", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS());
    const svc = service();
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    expect(await svc.cancelRun(runId)).toBe(true);
    work(svc);
    expect(await finished(runId)).toBe("cancelled");
    expect(await db.materialization.count({ where: { runId } })).toBe(0);
  });

  it("gives one run for two triggers with the same key", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS());
    const svc = service();
    const a = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "schedule", jobKey: "schedule:s1:2024-01-01T00:00:00.000Z" });
    const b = await svc.triggerRun({ workspaceId, notebook: "nb", trigger: "schedule", jobKey: "schedule:s1:2024-01-01T00:00:00.000Z" });
    expect(b).toEqual({ runId: a.runId, jobId: a.jobId, created: false });
    expect(await db.run.count()).toBe(1);
  });

  it("re-queues the run of a frozen worker and refuses its late swap", async () => {
    await writeFile(path.join(dir, "nb.md"), TWO_ASSETS());
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let calls = 0;
    let staleOutcome: unknown = null;
    seam = async (cell, ctx) => {
      if (cell.kind === "sql" && cell.name === "src" && ++calls === 1) {
        await gate; // frozen
        staleOutcome = await materializeSql(ctx.warehouse, { ...cell, config: { ...cell.config, sql: "select 999 as id" } }).catch((e: unknown) => e);
        return { ok: false, reason: "stale", checks: [] };
      }
      return materializeWithEngine(cell, ctx);
    };
    const svcA = service();
    const frozen = work(svcA, 1_000);
    const { runId } = await svcA.triggerRun({ workspaceId, notebook: "nb", trigger: "manual" });
    await waitFor("worker A to start the asset", () => calls === 1);
    await frozen.abandon();
    work(service(), 1_000);
    expect(await finished(runId)).toBe("succeeded");
    release();
    await waitFor("the stale attempt to finish", () => staleOutcome !== null);
    expect(staleOutcome).toMatchObject({ name: "FencedError" });
    expect(await warehouse.query("select id from src order by id")).toEqual([{ id: 1 }, { id: 2 }]);
    expect(await db.materialization.count({ where: { runId, status: "succeeded" } })).toBe(2);
    expect(await events(runId, "resumed")).toHaveLength(1);
  });

  it("backfills 30 daily partitions with one failing, then resumes only that one", async () => {
    await writeFile(
      path.join(dir, "bf.md"),
      `---
title: B
partitions: { type: daily, start: "2024-01-01", timezone: UTC }
---

\`\`\`sql daily
select {{ partition.start }} as day, {{ partition.end }} as day_end, {{ partition.key }} as k, 1 as n
\`\`\`
`,
    );
    let broken = true;
    seam = async (cell, ctx) => (ctx.partition === "2024-01-17" && broken ? { ok: false, reason: "bad day", checks: [] } : materializeWithEngine(cell, ctx));
    const svc = service();
    work(svc);
    const def = notebookPartitions({ partitions: { type: "daily", start: "2024-01-01", timezone: "UTC" } });
    if (def === null) throw new Error("no partitions");
    const range = { workspaceId, notebook: "bf", until: new Date("2024-01-31T00:00:00Z"), concurrency: 3, backfillId: "b1" };
    const first = await startBackfill(svc, db, def, range);
    expect(first.triggered).toHaveLength(30);
    const keys = first.triggered;
    await waitFor("the backfill", async () => {
      const p = await backfillProgress(db, workspaceId, "bf", keys);
      return p.succeeded + p.failed === 30;
    });
    expect(await db.run.findMany({ where: { status: "failed" }, select: { error: true }, take: 2 })).toEqual([{ error: "daily: bad day" }]);
    expect(await backfillProgress(db, workspaceId, "bf", keys)).toMatchObject({ succeeded: 29, failed: 1, neverRun: 0 });
    expect(await warehouse.query("select count(*) as n from daily")).toEqual([{ n: 29 }]);
    broken = false;
    const resumed = await startBackfill(svc, db, def, { ...range, backfillId: "b2" });
    expect(resumed.triggered).toEqual(["2024-01-17"]);
    await waitFor("the resume", async () => (await backfillProgress(db, workspaceId, "bf", keys)).succeeded === 30);
    expect(await warehouse.query("select count(*) as n, count(distinct _partition) as p from daily")).toEqual([{ n: 30, p: 30 }]);
    expect(await warehouse.query("select k, day, day_end from daily where k = '2024-01-17'")).toEqual([
      { k: "2024-01-17", day: new Date("2024-01-17T00:00:00Z"), day_end: new Date("2024-01-18T00:00:00Z") },
    ]);
  });
});
