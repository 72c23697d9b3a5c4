// One bad notebook (an alias bomb, a NUL character, over the size limit, a directory named
// like one) beside a good one: the scheduler still schedules the good one and names the
// bad ones; a run's upstream refresh still triggers and logs the bad ones it left out.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createScheduler } from "../../workers/scheduler";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import type { SqlReferenceParser } from "../graph/sql-refs";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import type { JobQueue } from "../queue/types";
import { Scheduler, MemoryCursorStore } from "../schedule/scheduler";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { BAD_NOTEBOOKS, writeBadNotebookDir } from "../workspace/test-bad-notebooks";
import { prismaSqlClient } from "./prisma-sql";
import { notebookScheduleId, notebookSchedules } from "./schedules";
import { RunService } from "./service";
import { triggerUpstreamRefresh } from "./upstream";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);

/** What each bad one's problem says, after `lead` (no regex characters in it), sorted by slug. */
const expectedProblems = (lead: string) => [
  expect.stringMatching(new RegExp(`^${lead}bomb\\.md:5:8: front matter: YAML: aliases \\(\\*name\\) expand too much`)),
  `${lead}notebooks/folder.md: not a file`,
  expect.stringMatching(new RegExp(`^${lead}notebooks/huge\\.md: line \\d+: the notebook is larger than 2 MiB`)),
  `${lead}nul.md:7:10: ${BAD_NOTEBOOKS.nul}`,
];

describe.each(cases)("bad notebooks on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let dir: string;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let parser: NodeSqlReferenceParser;
  let service: RunService;
  let workspaceId: string;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-bad-"));
    await writeBadNotebookDir(dir);
    workspaceId = (await db.workspace.create({ data: { slug: "default", name: "W" } })).id;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    parser = await NodeSqlReferenceParser.create();
    service = new RunService({ db, queue, notebooksDir: dir, openWarehouse: async () => ({ warehouse, release: async () => undefined }), parser: async () => parser, cancelPollMs: 50 });
  });
  afterEach(async () => {
    parser.close();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it("the scheduler schedules the good notebook and names each bad one, once while it lasts", async () => {
    let now = new Date("2026-03-01T01:55:00Z");
    const scheduler = createScheduler({ db, service, workspaceId, config: { notebooksDir: dir } }, () => now);
    expect(await scheduler.tick()).toEqual([]); // the first evaluation starts the cursors
    now = new Date("2026-03-01T02:05:00Z");
    const fired = await scheduler.tick();
    expect(fired.map((f) => f.scheduleId)).toEqual([notebookScheduleId(workspaceId, "good")]);
    expect(scheduler.problems).toEqual(expectedProblems("not scheduled: "));
    const runs = await db.run.findMany({ include: { notebook: true } });
    expect(runs.map((r) => [r.notebook?.slug, r.trigger])).toEqual([["good", "schedule"]]);

    // Reported when they appear, not on every tick.
    const reported: string[] = [];
    const direct = new Scheduler({ queue: { enqueue: () => Promise.reject(new Error("nothing is due")) }, cursors: new MemoryCursorStore(), clock: () => now, schedules: () => notebookSchedules(db, workspaceId, dir), report: (p) => reported.push(p) });
    await direct.tick();
    await direct.tick();
    expect(reported).toHaveLength(4);
    expect(reported.join("\n")).toContain("bomb.md");
  });

  it("an ended run's upstream refresh triggers the good consumer and logs the bad notebooks it left out", async () => {
    await writeFile(path.join(dir, "abc.md"), "```sql a\nselect 1 as id\n```\n\n```sql b\n-- refresh: on_upstream_update\nselect id * 10 as v from a\n```\n");
    const worker = queue.work(service.handlers(), { concurrency: 1, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
    try {
      const { runId } = await service.triggerRun({ workspaceId, notebook: "abc", selection: ["a"], trigger: "manual" });
      await waitFor("the run and its refresh", async () => (await db.run.count({ where: { status: "succeeded" } })) === 2);
      const refresh = await db.run.findFirstOrThrow({ where: { trigger: "upstream" } });
      expect(refresh.selection).toEqual(["b"]);
      const skipped = (await db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).map((e) => e.message).filter((m) => m.startsWith("upstream refresh left out "));
      expect(skipped).toEqual(expectedProblems("upstream refresh left out "));

      // A notebook whose graph throws (not a parse issue) is logged; the others are still refreshed.
      await writeFile(path.join(dir, "follower.md"), "---\nexternal: [a]\n---\n\n```sql follower\n-- refresh: on_upstream_update\nselect count(*) as n from a -- explode\n```\n");
      const exploding: SqlReferenceParser = { tableReferences: (sql) => (sql.includes("explode") ? Promise.reject(new Error("the parser crashed")) : parser.tableReferences(sql)) };
      const again = await triggerUpstreamRefresh({ db, notebooksDir: dir, parser: async () => exploding, triggers: service.triggers }, { run: { id: runId, workspaceId }, planned: ["a"], partition: null, chain: [] });
      expect(again).toEqual([{ notebook: "abc", assets: ["b"], runId: refresh.id, created: false }]);
      const messages = (await db.runEvent.findMany({ where: { runId } })).map((e) => e.message);
      expect(messages).toContain("upstream refresh left out follower.md: its graph cannot be built (the parser crashed)");
    } finally {
      await worker.stop();
    }
  });
});
