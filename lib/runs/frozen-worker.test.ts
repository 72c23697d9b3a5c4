// A frozen worker process (SIGSTOP) in team mode: PostgreSQL catalog, graphile-worker queue,
// PostgreSQL warehouse, two real worker processes. The frozen one stops heartbeating, its run
// is re-queued and finished by the other; resumed (SIGCONT), its late swap is refused by the
// fence: tables unchanged, one materialization per asset, the refusal in the run history.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFitnessApi, type FitnessApi } from "../../fixtures/fitness-api/api";
import { extractNotebook, spawnWorker, type Child } from "../../workers/crash-env";
import { openCatalogStore, type CatalogDb } from "../catalog";
import { ensureWorkspace } from "../catalog/workspaces";
import { waitFor } from "../queue/conformance";
import { openGraphileQueue } from "../queue/graphile";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { openPostgresWarehouse } from "../warehouse/postgres";
import { RunService } from ".";

const ACTIVITIES = 200; // 4 pages of 50, each answered after PAGE_DELAY_MS
const PAGE_DELAY_MS = 1_500;
const TOKEN = "frozen-token";
const dbs = pgDatabases("ab_frozen");
if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: the frozen-worker test (team mode) is skipped");

const eventsOf = async (db: CatalogDb, runId: string, event: string) =>
  (await db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).filter(
    (e) => typeof e.data === "object" && e.data !== null && "event" in e.data && e.data.event === event,
  );

describe.skipIf(!adminUrl)("a SIGSTOP'd worker process (team mode)", () => {
  let api: FitnessApi;
  let dir: string;
  const children: Child[] = [];
  beforeAll(async () => {
    api = await startFitnessApi({ token: TOKEN, activities: ACTIVITIES, delayMs: PAGE_DELAY_MS });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-frozen-"));
  });
  afterAll(async () => {
    for (const child of children) {
      if (child.proc.exitCode === null && child.proc.signalCode === null) {
        child.proc.kill("SIGCONT");
        child.proc.kill("SIGKILL");
      }
      await child.exited;
    }
    await api.close();
    await dbs.dropAll();
    await rm(dir, { recursive: true, force: true });
  });

  it("is detected, its run finished elsewhere, and its late write refused", { timeout: 120_000 }, async () => {
    const catalogUrl = await dbs.fresh();
    const warehouseUrl = await dbs.fresh();
    const notebooksDir = path.join(dir, "notebooks");
    await mkdir(notebooksDir);
    await writeFile(path.join(notebooksDir, "crash.md"), extractNotebook(api.url));
    const store = await openCatalogStore({ databaseUrl: catalogUrl }, { onWarning: () => undefined });
    const queue = await openGraphileQueue({ connectionString: catalogUrl, maxPoolSize: 2 });
    const warehouse = await openPostgresWarehouse({ connectionString: warehouseUrl });
    try {
      const db = store.db;
      const workspace = await ensureWorkspace(db);
      const svc = new RunService({
        db,
        queue,
        notebooksDir,
        openWarehouse: () => Promise.reject(new Error("the test process only triggers")),
        parser: () => Promise.reject(new Error("the test process only triggers")),
      });
      const env = {
        DATABASE_URL: catalogUrl,
        ASSETBOOK_WAREHOUSE: `postgres:${warehouseUrl}`,
        ASSETBOOK_DATA_DIR: path.join(dir, "data"),
        NOTEBOOKS_DIR: notebooksDir,
        ASSETBOOK_LOCK_TIMEOUT_MS: "1500",
        ASSETBOOK_POLL_MS: "50",
        FITNESS_TOKEN: TOKEN,
        ASSETBOOK_ENV_SECRETS: "FITNESS_TOKEN",
      };
      const frozen = spawnWorker(env);
      children.push(frozen);
      const { runId } = await svc.triggerRun({ workspaceId: workspace.id, notebook: "crash", trigger: "manual" });
      // freeze it while it waits for page 2: page 1 is loaded (no warehouse transaction open)
      await waitFor("the first worker to request page 2", () => api.requests.length >= 2, 60_000);
      await new Promise((r) => setTimeout(r, PAGE_DELAY_MS / 3));
      frozen.proc.kill("SIGSTOP");

      const rescuer = spawnWorker(env);
      children.push(rescuer);
      await waitFor("the run to be finished by the second worker", async () => (await db.run.findUniqueOrThrow({ where: { id: runId } })).status === "succeeded", 90_000).catch(
        async (error: unknown) => {
          const events = await db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
          throw new Error(`${String(error)}\nevents: ${events.map((e) => `${e.asset ?? "-"} ${e.message}`).join(" | ")}\nrescuer: ${rescuer.output()}`);
        },
      );
      const snapshot = await warehouse.query("select count(*) as n, count(distinct id) as ids from activities");
      expect(snapshot).toEqual([{ n: ACTIVITIES, ids: ACTIVITIES }]);
      expect(await eventsOf(db, runId, "resumed")).toHaveLength(1);

      frozen.proc.kill("SIGCONT");
      await waitFor("the frozen worker's late swap to be refused", async () => (await eventsOf(db, runId, "fenced")).length > 0, 60_000).catch((error: unknown) => {
        throw new Error(`${String(error)}\nfrozen worker (exit ${String(frozen.proc.exitCode)} ${String(frozen.proc.signalCode)}): ${frozen.output()}`);
      });
      const fenced = await eventsOf(db, runId, "fenced");
      // refused by the fence at its swap, or, when PostgreSQL ended its session (frozen inside a
      // transaction), stopped as superseded before recording anything
      expect(fenced.map((e) => [e.asset, e.data])).toEqual([["activities", expect.objectContaining({ event: "fenced", attempt: 1, error: expect.stringMatching(/^(FencedError|superseded)$/) })]]);
      expect(await warehouse.query("select count(*) as n, count(distinct id) as ids from activities")).toEqual(snapshot);
      expect(await warehouse.query("select n, ids from total")).toEqual([{ n: ACTIVITIES, ids: ACTIVITIES }]);
      const mats = await db.materialization.findMany({ where: { runId }, include: { asset: true } });
      expect(mats.map((m) => [m.asset.name, m.status, Number(m.rows)]).sort()).toEqual([
        ["activities", "succeeded", ACTIVITIES],
        ["total", "succeeded", 1],
      ]);
      expect((await db.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe("succeeded");
    } finally {
      await warehouse.close();
      await queue.close();
      await store.close();
    }
  });
});
