// 2 workers × N queued runs under concurrency limits, on each store: embedded PGlite with two
// in-process queues over it (60 runs: one WASM thread serves both workers and the sampler, and
// the embedded store is the single-user one); PostgreSQL (TEST_DATABASE_URL) with two graphile-worker queues,
// each worker with its own catalog client. Every run must execute exactly once, and neither
// the live count per pool (tracked in the materialize seam) nor the number of runs the catalog
// shows running (sampled) may exceed a limit.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CatalogDb, CatalogStore } from "../catalog";
import { setConcurrencyLimit } from "../catalog/concurrency-limits";
import { storeCases, type OpenedStore, type StoreCase } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { assetCells, formatIssue } from "../notebook";
import { parseNotebook } from "../notebook/parse";
import { runKeysOf } from "../notebook/schemas/run-keys";
import type { AssetCell } from "../notebook/types";
import { waitFor } from "../queue/conformance";
import { openGraphileQueue } from "../queue/graphile";
import { openLocalQueue } from "../queue/local";
import { pgDatabases } from "../queue/test-pg";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import type { MaterializeFn } from "./materialize";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

/** Runs per store: PGlite executes one statement at a time, so 500 runs there took minutes under a loaded CI. */
const RUNS_BY_STORE: Record<StoreCase["name"], number> = { embedded: 40, postgres: 200 };
const LIMITS = { workspace: 3, heavy: 2, single: 1 };

/** Four notebooks: two tagged heavy as a whole, one with a heavy asset, one with an asset of concurrency 1. */
const NOTEBOOKS: Record<string, string> = {
  loads: "---\ntitle: Loads\ntags: [heavy]\n---\n\n```sql load_a\nselect 1 as x\n```\n\n```sql load_b\nselect x from load_a\n```\n",
  scans: "---\ntitle: Scans\ntags: [heavy, nightly]\n---\n\n```sql scan\nselect 1 as x\n```\n",
  mixed: "---\ntitle: Mixed\n---\n\n```sql light\nselect 1 as x\n```\n\n```sql crunch\n-- tags: heavy\nselect x from light\n```\n",
  serial: "---\ntitle: Serial\n---\n\n```sql feed\nselect 1 as x\n```\n\n```sql one_at_a_time\n-- concurrency: 1\nselect x from feed\n```\n",
};

function parsed(slug: string) {
  const result = parseNotebook(NOTEBOOKS[slug] ?? "", `${slug}.md`);
  if (!result.ok) throw new Error(`${slug}: ${result.issues.map(formatIssue).join("; ")}`);
  return result.notebook;
}

/** The pools a materialization of `cell` holds while it runs, by the notebook text. */
function poolsOf(slug: string, cell: AssetCell): string[] {
  const run = runKeysOf(parsed(slug).frontMatter);
  const asset = runKeysOf(cell.config);
  return [...new Set(["workspace", `notebook:${slug}`, ...[...(run.tags ?? []), ...(asset.tags ?? [])].map((t) => `tag:${t}`), `asset:${cell.name}`])];
}

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

const queueDbs = pgDatabases("conc_runs_gw");
afterAll(() => queueDbs.dropAll());

/** Two queues over the store, as two worker processes would have, and the catalog client each worker uses. */
async function openWorkers(storeCase: StoreCase, opened: OpenedStore): Promise<{ queues: [JobQueue, JobQueue]; dbs: [CatalogDb, CatalogDb]; close(): Promise<void> }> {
  const db = opened.store.db;
  if (storeCase.name === "embedded") {
    const queues: [JobQueue, JobQueue] = [await openLocalQueue(prismaSqlClient(db)), await openLocalQueue(prismaSqlClient(db))];
    return { queues, dbs: [db, db], close: async () => void (await Promise.all(queues.map((q) => q.close()))) };
  }
  const url = await queueDbs.fresh();
  const queues: [JobQueue, JobQueue] = [await openGraphileQueue({ connectionString: url }), await openGraphileQueue({ connectionString: url })];
  const second: CatalogStore = await opened.reopen();
  return {
    queues,
    dbs: [db, second.db],
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
      await second.close();
    },
  };
}

describe.each(cases)("concurrency limits over $name", (storeCase) => {
  const RUNS = RUNS_BY_STORE[storeCase.name];
  it(
    `2 workers × ${RUNS} queued runs: each runs exactly once, no limit is ever exceeded`,
    async () => {
      const opened = await storeCase.open();
      const db = opened.store.db;
      const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-concurrency-"));
      const warehouse: Warehouse = await openDuckDbWarehouse({ path: ":memory:" });
      const fixture = await openWorkers(storeCase, opened);
      const workers: Worker[] = [];
      let sampling = true;
      try {
        const workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
        await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "workspace", limit: LIMITS.workspace } });
        await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "heavy", limit: LIMITS.heavy } });
        for (const [slug, text] of Object.entries(NOTEBOOKS)) await writeFile(path.join(dir, `${slug}.md`), text);

        const pools = { live: new Map<string, Set<string>>(), max: new Map<string, number>() };
        const executed = new Map<string, number>();
        const slugOfRun = new Map<string, string>();
        const rendezvous = async (watched: string[]) => {
          const started = Date.now();
          const waiting = () => watched.some((pool) => (pools.max.get(pool) ?? 0) < 2);
          while (waiting() && Date.now() - started < 3_000) await new Promise((r) => setTimeout(r, 10));
        };
        const seam: MaterializeFn = async (cell, ctx) => {
          const held = poolsOf(slugOfRun.get(ctx.runId) ?? "", cell);
          for (const pool of held) {
            const live = pools.live.get(pool) ?? new Set<string>();
            live.add(ctx.runId);
            pools.live.set(pool, live);
            pools.max.set(pool, Math.max(pools.max.get(pool) ?? 0, live.size));
          }
          const key = `${ctx.runId}:${cell.name}`;
          executed.set(key, (executed.get(key) ?? 0) + 1);
          await new Promise((r) => setTimeout(r, 1 + (key.length % 3)));
          // Until overlap has been seen in a pool this materialization holds, it waits (bounded)
          // for a partner: on one loaded WASM thread, millisecond holds rarely overlap by chance.
          // The limits still decide: a slot system that serialized everything would never let
          // the partner in, and the assertions below would fail.
          await rendezvous(held.filter((pool) => pool === "workspace" || pool === "tag:heavy"));
          for (const pool of held) pools.live.get(pool)?.delete(ctx.runId);
          return { ok: true, rows: 1, columns: [], checks: [] };
        };
        const service = (serviceDb: CatalogDb, queue: JobQueue) =>
          new RunService({
            db: serviceDb,
            queue,
            openWarehouse: async () => ({ warehouse, release: async () => undefined }),
            notebooksDir: dir,
            parser: async () => parser,
            cancelPollMs: 200,
            random: () => 0.5,
            slotPolling: { minMs: 5, maxMs: 40 },
            materialize: seam,
          });
        const services = [service(fixture.dbs[0], fixture.queues[0]), service(fixture.dbs[1], fixture.queues[1])] as const;

        const slugs = Object.keys(NOTEBOOKS);
        const runIds: string[] = [];
        for (let n = 0; n < RUNS; n++) {
          // In blocks of a few runs of one notebook, so that runs of one notebook overlap.
          const slug = slugs[Math.floor(n / 5) % slugs.length] ?? "";
          const { runId } = await services[0].triggerRun({ workspaceId, notebook: slug, trigger: "manual" });
          slugOfRun.set(runId, slug);
          runIds.push(runId);
        }

        let maxRunning = 0;
        let samples = 0;
        const sampler = (async () => {
          while (sampling) {
            const running = await db.run.count({ where: { workspaceId, status: "running" } });
            maxRunning = Math.max(maxRunning, running);
            samples += 1;
            await new Promise((r) => setTimeout(r, 10));
          }
        })();

        const options = { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 60_000, stopGraceMs: 2_000 };
        workers.push(fixture.queues[0].work(services[0].handlers(), options), fixture.queues[1].work(services[1].handlers(), options));
        await waitFor("every run to end", async () => (await db.run.count({ where: { workspaceId, status: { in: ["queued", "running"] } } })) === 0, 200_000);
        sampling = false;
        await sampler;

        const statuses = await db.run.groupBy({ by: ["status"], where: { workspaceId }, _count: true });
        expect(statuses.map((s) => [s.status, s._count])).toEqual([["succeeded", RUNS]]);
        const expected = runIds.reduce((sum, id) => sum + assetCells(parsed(slugOfRun.get(id) ?? "")).length, 0);
        expect(executed.size).toBe(expected);
        expect([...executed.values()].every((times) => times === 1)).toBe(true);
        const materializations = await db.materialization.groupBy({ by: ["runId", "assetId"], where: { status: "succeeded", asset: { workspaceId } }, _count: true });
        expect(materializations).toHaveLength(expected);
        expect(materializations.every((m) => m._count === 1)).toBe(true);

        const max = Object.fromEntries(pools.max);
        expect(max.workspace).toBeLessThanOrEqual(LIMITS.workspace);
        expect(max["tag:heavy"]).toBeLessThanOrEqual(LIMITS.heavy);
        expect(max["asset:one_at_a_time"]).toBe(LIMITS.single);
        expect(maxRunning).toBeLessThanOrEqual(LIMITS.workspace);
        // Concurrency happened: the limits were reached, not just respected.
        expect(max.workspace).toBeGreaterThanOrEqual(2);
        expect(max["tag:heavy"]).toBeGreaterThanOrEqual(2);
        expect(samples).toBeGreaterThan(0);

        // Runs that waited said so once, and every slot was given back.
        const waits = await db.runEvent.findMany({ where: { run: { workspaceId }, message: { startsWith: "waiting for a slot" } }, select: { runId: true, asset: true } });
        expect(waits.some((w) => w.asset === null)).toBe(true);
        expect(new Set(waits.map((w) => `${w.runId}:${w.asset ?? ""}`)).size).toBe(waits.length);
        await waitFor("every slot to be given back", async () => (await db.concurrencySlot.count({ where: { workspaceId } })) === 0);
      } finally {
        sampling = false;
        await Promise.all(workers.map((w) => w.stop()));
        await fixture.close();
        await warehouse.close();
        await opened.store.close();
        await opened.cleanup();
        await rm(dir, { recursive: true, force: true });
      }
    },
    240_000,
  );
});
