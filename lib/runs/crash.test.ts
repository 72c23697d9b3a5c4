// Crash safety with real worker processes on the embedded store: a PGlite catalog and a
// DuckDB warehouse file in a tmp dir. A child SIGKILLs itself at each named point; a second
// child (same files, once the first is gone) finishes the run. Then, on the tables: one
// materialization per asset, the warehouse holds the complete content once, the run
// history agrees with it, and no staging table is left.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFitnessApi, type FitnessApi } from "../../fixtures/fitness-api/api";
import { openCatalogStore, type CatalogDb } from "../catalog";
import { ensureWorkspace } from "../catalog/workspaces";
import { openLocalQueue } from "../queue/local";
import { CRASH_POINTS, RunService, prismaSqlClient, type CrashPoint } from ".";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { extractNotebook, spawnWorker } from "../../workers/crash-env";

const ACTIVITIES = 400; // 8 pages of 50
const TOKEN = "crash-token";
const quiet = { onWarning: () => undefined };

let api: FitnessApi;
beforeAll(async () => {
  api = await startFitnessApi({ token: TOKEN, activities: ACTIVITIES, delayMs: 20 });
});
afterAll(() => api.close());

async function trigger(catalogDir: string, notebooksDir: string): Promise<string> {
  const store = await openCatalogStore({}, { dataDir: catalogDir, ...quiet });
  try {
    const workspace = await ensureWorkspace(store.db);
    const queue = await openLocalQueue(prismaSqlClient(store.db));
    const svc = new RunService({
      db: store.db,
      queue,
      notebooksDir,
      openWarehouse: () => Promise.reject(new Error("the test process only triggers")),
      parser: () => Promise.reject(new Error("the test process only triggers")),
    });
    const { runId } = await svc.triggerRun({ workspaceId: workspace.id, notebook: "crash", trigger: "manual" });
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

describe("worker processes killed at each crash point (embedded store)", () => {
  it.each(CRASH_POINTS)("SIGKILL at %s: a restarted worker finishes the run exactly once", async (point: CrashPoint) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), `assetbook-crash-${point}-`));
    try {
      const notebooksDir = path.join(dir, "notebooks");
      await mkdir(notebooksDir);
      await writeFile(path.join(notebooksDir, "crash.md"), extractNotebook(api.url));
      const catalogDir = path.join(dir, "catalog");
      const warehouseFile = path.join(dir, "warehouse.duckdb");
      const runId = await trigger(catalogDir, notebooksDir);
      const env = {
        ASSETBOOK_CATALOG_DIR: catalogDir,
        ASSETBOOK_DATA_DIR: path.join(dir, "data"),
        ASSETBOOK_WAREHOUSE: `duckdb:${warehouseFile}`,
        NOTEBOOKS_DIR: notebooksDir,
        ASSETBOOK_LOCK_TIMEOUT_MS: "1500",
        ASSETBOOK_POLL_MS: "50",
        ASSETBOOK_CHILD_RUN_ID: runId,
        FITNESS_TOKEN: TOKEN,
      };

      const crashed = spawnWorker({ ...env, ASSETBOOK_CRASH_AT: point });
      const first = await crashed.exited;
      expect(first, crashed.output()).toEqual({ code: null, signal: "SIGKILL" });

      const restarted = spawnWorker(env);
      const second = await restarted.exited;
      expect(second, restarted.output()).toEqual({ code: 0, signal: null });

      const store = await openCatalogStore({}, { dataDir: catalogDir, ...quiet });
      const warehouse = await openDuckDbWarehouse({ path: warehouseFile });
      try {
        const db = store.db;
        const run = await db.run.findUniqueOrThrow({ where: { id: runId } });
        expect(run.status).toBe("succeeded");
        const mats = await db.materialization.findMany({ where: { runId }, include: { asset: true } });
        expect(mats.map((m) => [m.asset.name, m.status, m.partition, Number(m.rows)]).sort()).toEqual([
          ["activities", "succeeded", null, ACTIVITIES],
          ["total", "succeeded", null, 1],
        ]);
        // the warehouse holds the complete content once, as the history says
        expect(await warehouse.query("select count(*) as n, count(distinct id) as ids from activities")).toEqual([{ n: ACTIVITIES, ids: ACTIVITIES }]);
        expect(await warehouse.query("select n, ids from total")).toEqual([{ n: ACTIVITIES, ids: ACTIVITIES }]);
        const leftovers = await warehouse.query("select table_name from information_schema.tables where table_name like '\\_ab\\_%' escape '\\'");
        expect(leftovers).toEqual([]);
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
