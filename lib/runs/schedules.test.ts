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
import { notebookScheduleId, prismaSqlClient, RunService } from ".";

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
});
