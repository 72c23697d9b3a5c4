// Crash safety with real worker processes, in both ways to run:
// - embedded: a PGlite catalog, the in-process queue and a DuckDB warehouse file in a tmp dir;
// - team (when TEST_DATABASE_URL is set): a PostgreSQL catalog, the graphile-worker queue and a
//   PostgreSQL warehouse, each a fresh database; its notebook is partitioned by day.
// A child SIGKILLs itself at each named point; a second child (once the first is gone) finishes
// the run. Then, on the tables: one materialization per asset (and partition), the warehouse
// holds the complete content once, the run history and the done markers agree with it, and no
// staging table is left.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { activity, startFitnessApi, type FitnessApi } from "../../fixtures/fitness-api/api";
import { extractNotebook, partitionedExtractNotebook, spawnWorker } from "../../workers/crash-env";
import { openCatalogStore, type CatalogDb, type CatalogStore } from "../catalog";
import { copyMigratedCatalog } from "../catalog/test-stores";
import { ensureWorkspace } from "../catalog/workspaces";
import { openGraphileQueue } from "../queue/graphile";
import { openLocalQueue } from "../queue/local";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import type { JobQueue } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";
import { CRASH_POINTS, RunService, doneKey, partitionWindow, prismaSqlClient, type CrashPoint } from ".";

const ACTIVITIES = 400; // 8 pages of 50
const TOKEN = "crash-token";
const PARTITION = "2024-02-20"; // Paris: from 2024-02-19T23:00Z, 229 activities after it (5 pages)
const quiet = { onWarning: () => undefined };
const dbs = pgDatabases("ab_crash");
if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: the crash tests in team mode are skipped");

/** Where one test's worker processes keep their state, and how the test process opens it. */
interface Stores {
  env: Record<string, string>;
  catalog(): Promise<CatalogStore>;
  queue(db: CatalogDb): Promise<JobQueue>;
  warehouse(): Promise<Warehouse>;
}

interface Mode {
  name: string;
  notebook(apiUrl: string): string;
  partition: string | null;
  /** Rows the extract brings (the activities after the partition's start). */
  rows: number;
  stores(dir: string): Promise<Stores>;
}

const embedded: Mode = {
  name: "embedded",
  notebook: extractNotebook,
  partition: null,
  rows: ACTIVITIES,
  async stores(dir) {
    const catalogDir = path.join(dir, "catalog");
    await copyMigratedCatalog(catalogDir);
    const warehouseFile = path.join(dir, "warehouse.duckdb");
    return {
      env: { ASSETBOOK_CATALOG_DIR: catalogDir, ASSETBOOK_WAREHOUSE: `duckdb:${warehouseFile}` },
      catalog: () => openCatalogStore({ catalogDir }, quiet),
      queue: (db) => openLocalQueue(prismaSqlClient(db)),
      warehouse: () => openDuckDbWarehouse({ path: warehouseFile }),
    };
  },
};

const partitionStart = partitionWindow({ type: "daily", start: "2024-01-01", timezone: "Europe/Paris" }, PARTITION)?.start ?? null;
const team: Mode = {
  name: "team",
  notebook: partitionedExtractNotebook,
  partition: PARTITION,
  rows: Array.from({ length: ACTIVITIES }, (_, i) => activity(i)).filter((a) => partitionStart !== null && Date.parse(a.start_date) > partitionStart.getTime()).length,
  async stores() {
    const catalogUrl = await dbs.fresh();
    const warehouseUrl = await dbs.fresh();
    return {
      env: { DATABASE_URL: catalogUrl, ASSETBOOK_WAREHOUSE: `postgres:${warehouseUrl}` },
      catalog: () => openCatalogStore({ databaseUrl: catalogUrl }, quiet),
      queue: () => openGraphileQueue({ connectionString: catalogUrl, maxPoolSize: 2 }),
      warehouse: () => openPostgresWarehouse({ connectionString: warehouseUrl }),
    };
  },
};

let api: FitnessApi;
beforeAll(async () => {
  api = await startFitnessApi({ token: TOKEN, activities: ACTIVITIES, delayMs: 20 });
});
afterAll(async () => {
  await api.close();
  await dbs.dropAll();
});

async function trigger(stores: Stores, notebooksDir: string, partition: string | null): Promise<string> {
  const store = await stores.catalog();
  try {
    const workspace = await ensureWorkspace(store.db);
    const queue = await stores.queue(store.db);
    const svc = new RunService({
      db: store.db,
      queue,
      notebooksDir,
      openWarehouse: () => Promise.reject(new Error("the test process only triggers")),
      parser: () => Promise.reject(new Error("the test process only triggers")),
    });
    const { runId } = await svc.triggerRun({ workspaceId: workspace.id, notebook: "crash", trigger: "manual", ...(partition === null ? {} : { partition }) });
    await queue.close();
    return runId;
  } finally {
    await store.close();
  }
}

async function eventCounts(db: CatalogDb, runId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const e of await db.runEvent.findMany({ where: { runId } })) {
    const data = e.data;
    if (typeof data !== "object" || data === null || !("event" in data) || typeof data.event !== "string") continue;
    const key = `${e.asset ?? "run"}:${data.event}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const STAGING_TABLES = "select table_name from information_schema.tables where table_name like '\\_ab\\_%' escape '\\'";
const numbers = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));

const modes = adminUrl ? [embedded, team] : [embedded];

describe.each(modes)("worker processes killed at each crash point ($name)", (mode) => {
  it.each(CRASH_POINTS)("SIGKILL at %s: a restarted worker finishes the run exactly once", { timeout: 120_000 }, async (point: CrashPoint) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), `assetbook-crash-${mode.name}-${point}-`));
    try {
      const notebooksDir = path.join(dir, "notebooks");
      await mkdir(notebooksDir);
      await writeFile(path.join(notebooksDir, "crash.md"), mode.notebook(api.url));
      const stores = await mode.stores(dir);
      const runId = await trigger(stores, notebooksDir, mode.partition);
      const env = {
        ...stores.env,
        ASSETBOOK_DATA_DIR: path.join(dir, "data"),
        NOTEBOOKS_DIR: notebooksDir,
        ASSETBOOK_LOCK_TIMEOUT_MS: "1500",
        ASSETBOOK_POLL_MS: "50",
        ASSETBOOK_CHILD_RUN_ID: runId,
        FITNESS_TOKEN: TOKEN,
        ASSETBOOK_ENV_SECRETS: "FITNESS_TOKEN",
      };

      const crashed = spawnWorker({ ...env, ASSETBOOK_CRASH_AT: point });
      const first = await crashed.exited;
      expect(first, crashed.output()).toEqual({ code: null, signal: "SIGKILL" });
      if (point === "mid_extract" || point === "mid_swap") {
        // the killed attempt left its staging tables, named by its attempt, for the next one to drop
        const killed = await stores.warehouse();
        const staged = (await killed.query(STAGING_TABLES).finally(() => killed.close())).map((r) => String(r.table_name));
        expect(staged.length).toBeGreaterThan(0);
        expect(staged.filter((name) => !name.includes("__a1"))).toEqual([]);
      }

      const restarted = spawnWorker(env);
      const second = await restarted.exited;
      expect(second, restarted.output()).toEqual({ code: 0, signal: null });

      const store = await stores.catalog();
      const warehouse = await stores.warehouse();
      try {
        const db = store.db;
        const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
        expect(run.status, run.error ?? "").toBe("succeeded");
        const mats = await db.materialization.findMany({ where: { runId }, include: { asset: true } });
        expect(mats.map((m) => [m.asset.name, m.status, m.partition, Number(m.rows)]).sort()).toEqual([
          ["activities", "succeeded", mode.partition, mode.rows],
          ["total", "succeeded", mode.partition, 1],
        ]);
        // the warehouse holds the complete content once, as the history and the done markers say
        expect(numbers(await warehouse.query("select count(*) as n, count(distinct id) as ids from activities"))).toEqual([{ n: mode.rows, ids: mode.rows }]);
        expect(numbers(await warehouse.query("select n, ids from total"))).toEqual([{ n: mode.rows, ids: mode.rows }]);
        if (mode.partition !== null) {
          expect(numbers(await warehouse.query(`select count(*) as n from activities where _partition = '${mode.partition}'`))).toEqual([{ n: mode.rows }]);
        }
        expect(await warehouse.readState(doneKey(runId, "activities", mode.partition))).toMatchObject({ rows: mode.rows });
        expect(await warehouse.query(STAGING_TABLES)).toEqual([]);
        // the run history: two attempts of the job, each asset done once (or recorded on recovery)
        const events = await eventCounts(db, runId);
        const doneOnce = (asset: string) => (events[`${asset}:attempt_succeeded`] ?? 0) + (events[`${asset}:asset_recovered`] ?? 0);
        expect(doneOnce("activities")).toBe(1);
        expect(doneOnce("total")).toBe(1);
        expect(events["run:resumed"] ?? 0).toBe(point === "after_claim" ? 0 : 1);
        if (point === "after_swap_before_mark") expect(events["activities:asset_recovered"]).toBe(1);
      } finally {
        await warehouse.close();
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
