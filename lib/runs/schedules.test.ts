// Two schedulers (in-process, one fake clock) over the same catalog store trigger exactly
// one run per tick, for a notebook file's schedule and a catalog-only notebook's. Asserted
// on the runs and job tables, on each store (PGlite; PostgreSQL when TEST_DATABASE_URL is set).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createScheduler } from "../../workers/scheduler";
import { importNotebookVersion, type CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { openLocalQueue } from "../queue/local";
import { tickKey } from "../schedule/cron";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { assetScheduleId, notebookScheduleId, prismaSqlClient, RunService } from ".";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);

const notebook = (cron: string) => `---
title: S
schedule: { cron: "${cron}", timezone: Europe/Paris }
---

\`\`\`sql one
select 1 as id
\`\`\`
`;

/** The notebook runs at 03:00; `two` alone also runs every 30 minutes. */
const ASSET_SCHEDULE = `---
title: A
schedule: { cron: "0 3 * * *", timezone: UTC }
---

\`\`\`sql one
select 1 as id
\`\`\`

\`\`\`sql two
-- schedule: */30 * * * * Europe/Paris
select 2 as id
\`\`\`
`;

const jobKeys = z.array(z.object({ job_key: z.string(), n: z.number() }));

describe.each(cases)("schedules on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let dir: string;
  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-sched-"));
  });
  afterEach(async () => {
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("two schedulers trigger one run per tick", async () => {
    const workspaceId = (await db.workspace.create({ data: { slug: "default", name: "W" } })).id;
    await writeFile(path.join(dir, "file_nb.md"), notebook("*/15 * * * *"));
    await importNotebookVersion(db, { workspaceId, slug: "catalog_nb", text: notebook("0 * * * *"), authorId: null });
    let now = new Date("2026-10-25T00:05:00Z");
    const clock = () => now;
    const scheduler = async () => {
      const queue = await openLocalQueue(prismaSqlClient(db));
      const service = new RunService({ db, queue, notebooksDir: dir, openWarehouse: () => Promise.reject(new Error("no runs here")), parser: () => Promise.reject(new Error("no runs here")) });
      return createScheduler({ db, service, workspaceId, config: { notebooksDir: dir } }, clock);
    };
    const [a, b] = [await scheduler(), await scheduler()];
    const both = async () => (await Promise.all([a.tick(), b.tick()])).flat();

    expect(await both()).toEqual([]); // the first evaluation starts the cursors
    now = new Date("2026-10-25T01:07:00Z"); // across the fall-back hour: the latest tick of each only (no catch-up)
    expect((await both()).filter((f) => f.created)).toHaveLength(2);
    now = new Date("2026-10-25T01:15:00Z");
    await both();
    await both(); // the same instant again fires nothing
    expect((await (await scheduler()).tick()).filter((f) => f.created)).toEqual([]); // a restarted one neither

    const runs = await db.run.findMany({ include: { notebook: true } });
    expect(runs.every((r) => r.trigger === "schedule" && r.status === "queued")).toBe(true);
    expect(runs.map((r) => r.notebook?.slug).sort()).toEqual(["catalog_nb", "file_nb", "file_nb"]);
    const { rows } = await prismaSqlClient(db).query(`select job_key, count(*)::int as n from assetbook_jobs group by job_key order by job_key`);
    const fileId = notebookScheduleId(workspaceId, "file_nb");
    const catalogId = notebookScheduleId(workspaceId, "catalog_nb");
    expect(rows.map((r) => z.object({ job_key: z.string(), n: z.number() }).parse(r))).toEqual(
      [
        tickKey(catalogId, new Date("2026-10-25T01:00:00Z")),
        tickKey(fileId, new Date("2026-10-25T01:00:00Z")),
        tickKey(fileId, new Date("2026-10-25T01:15:00Z")),
      ]
        .sort()
        .map((job_key) => ({ job_key, n: 1 })),
    );
  });

  it("a schedule that fixes run parameters gives them to each run it starts", async () => {
    const workspaceId = (await db.workspace.create({ data: { slug: "default", name: "W" } })).id;
    const text = ["---", 'schedule: { cron: "0 * * * *", params: { horizon: 14 } }', "params:", "  horizon: { type: integer, default: 7 }", "---", "", "```sql forecast", "select {{ params.horizon }} as horizon", "```", ""].join("\n");
    await writeFile(path.join(dir, "forecast.md"), text);
    let now = new Date("2026-03-01T00:05:00Z");
    const queue = await openLocalQueue(prismaSqlClient(db));
    const service = new RunService({ db, queue, notebooksDir: dir, openWarehouse: () => Promise.reject(new Error("no runs here")), parser: () => Promise.reject(new Error("no runs here")) });
    const scheduler = createScheduler({ db, service, workspaceId, config: { notebooksDir: dir } }, () => now);
    await scheduler.tick();
    now = new Date("2026-03-01T01:01:00Z");
    expect((await scheduler.tick()).filter((f) => f.created)).toHaveLength(1);
    const enqueued = await db.runEvent.findFirstOrThrow({ where: { message: "triggered by schedule" } });
    expect(enqueued.data).toMatchObject({ params: { horizon: "14" } });
  });

  it("an asset's own schedule fires once per tick with two schedulers and runs only that asset", async () => {
    const workspaceId = (await db.workspace.create({ data: { slug: "default", name: "W" } })).id;
    await writeFile(path.join(dir, "assets.md"), ASSET_SCHEDULE);
    const parser = await NodeSqlReferenceParser.create();
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    const queue = await openLocalQueue(prismaSqlClient(db));
    try {
      let now = new Date("2026-03-01T00:05:00Z");
      const service = () => new RunService({ db, queue, notebooksDir: dir, openWarehouse: async () => ({ warehouse, release: async () => undefined }), parser: async () => parser });
      const scheduler = () => createScheduler({ db, service: service(), workspaceId, config: { notebooksDir: dir } }, () => now);
      const [a, b] = [scheduler(), scheduler()];
      const both = async () => (await Promise.all([a.tick(), b.tick()])).flat();
      expect(await both()).toEqual([]);
      now = new Date("2026-03-01T00:31:00Z");
      const fired = await both();
      const assetId = assetScheduleId(workspaceId, "assets", "two");
      // The notebook's 03:00 is not due. Both schedulers report the tick, or only one (the other
      // read the shared cursor after the first advanced it): either way, one job.
      expect(fired.length).toBeGreaterThanOrEqual(1);
      expect(fired.every((f) => f.scheduleId === assetId)).toBe(true);
      expect(fired.filter((f) => f.created)).toHaveLength(1);
      expect(await scheduler().tick()).toEqual([]); // a restarted one fires nothing

      const { rows } = await prismaSqlClient(db).query(`select job_key, count(*)::int as n from assetbook_jobs group by job_key`);
      expect(jobKeys.parse(rows)).toEqual([{ job_key: tickKey(assetId, new Date("2026-03-01T00:30:00Z")), n: 1 }]);
      const [run] = await db.run.findMany();
      expect(run).toMatchObject({ trigger: "schedule", selection: ["two"] });

      const worker = queue.work(service().handlers(), { concurrency: 1, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
      try {
        await waitFor("the scheduled run", async () => (await db.run.findUniqueOrThrow({ where: { id: run?.id ?? "" } })).status === "succeeded");
      } finally {
        await worker.stop();
      }
      const mats = await db.materialization.findMany({ include: { asset: true } });
      expect(mats.map((m) => [m.asset.name, m.status])).toEqual([["two", "succeeded"]]);
      expect(await warehouse.describe("one")).toBeNull();
    } finally {
      await queue.close();
      await warehouse.close();
      parser.close();
    }
  });
});
