// Refresh on upstream update, end to end on each catalog store (embedded PGlite; PostgreSQL
// when TEST_DATABASE_URL is set): real runs on the in-process queue, DuckDB as the
// warehouse, and the runs each ended run triggers.
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";
import { MAX_UPSTREAM_DEPTH, triggerUpstreamRefresh, upstreamJobKey } from "./upstream";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

const examples = path.join(import.meta.dirname, "..", "..", "notebooks");

/** a; b refreshes on upstream update and reads a; c reads a without the flag. */
const ABC = `---
title: ABC
---

\`\`\`sql a
select 1 as id union all select 2 as id
\`\`\`

\`\`\`sql b
-- refresh: on_upstream_update
select id * 10 as v from a
\`\`\`

\`\`\`sql c
select id + 1 as w from a
\`\`\`
`;

/** One asset that refreshes when `reads` (produced by another notebook) is updated. */
const follower = (asset: string, reads: string, front = "") => `---
title: ${asset}
external: [${reads}]
${front}---

\`\`\`sql ${asset}
-- refresh: on_upstream_update
select count(*) as n from ${reads}
\`\`\`
`;

const DAILY = `partitions: { type: daily, start: "2024-01-01", timezone: UTC }\n`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("refresh on upstream update on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let svc: RunService;
  let worker: Worker | null = null;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-upstream-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    svc = new RunService({ db, queue, openWarehouse: async () => ({ warehouse, release: async () => undefined }), notebooksDir: dir, parser: async () => parser, cancelPollMs: 50 });
    worker = queue.work(svc.handlers(), { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
  });
  afterEach(async () => {
    await worker?.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const notebook = (slug: string, text: string) => writeFile(path.join(dir, `${slug}.md`), text);
  const deps = () => ({ db, notebooksDir: dir, parser: async () => parser, triggers: svc.triggers });

  /** Every run has ended (a run triggers its refreshes before it ends, so this is stable). */
  async function settled() {
    await waitFor("every run to end", async () => (await db.run.count({ where: { status: { in: ["queued", "running"] } } })) === 0);
    return db.run.findMany({ orderBy: { createdAt: "asc" }, include: { notebook: { select: { slug: true } } } });
  }
  const events = async (runId: string, event: string) =>
    (await db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } })).filter((e) => typeof e.data === "object" && e.data !== null && "event" in e.data && e.data.event === event);
  /** The source run first, then its refreshes by notebook (runs created in one millisecond have no order). */
  const summary = (runs: Awaited<ReturnType<typeof settled>>) =>
    runs
      .map((r) => ({ notebook: r.notebook?.slug, trigger: r.trigger, selection: r.selection, partitions: r.partitions, status: r.status }))
      .sort((p, q) => Number(p.trigger === "upstream") - Number(q.trigger === "upstream") || (p.notebook ?? "").localeCompare(q.notebook ?? ""));

  it("refreshes an asset of the same notebook that reads what the run materialized, and only that one", async () => {
    await notebook("abc", ABC);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "abc", selection: ["a"], trigger: "manual" });
    const runs = await settled();
    expect(summary(runs)).toEqual([
      { notebook: "abc", trigger: "manual", selection: ["a"], partitions: [], status: "succeeded" },
      { notebook: "abc", trigger: "upstream", selection: ["b"], partitions: [], status: "succeeded" },
    ]);
    const refresh = runs.find((r) => r.trigger === "upstream");
    if (refresh === undefined) throw new Error("no refresh run");
    expect(await warehouse.query("select v from b order by v")).toEqual([{ v: 10 }, { v: 20 }]);
    expect(await warehouse.describe("c")).toBeNull();
    const logged = await events(runId, "upstream_triggered");
    expect(logged.map((e) => e.data)).toEqual([{ event: "upstream_triggered", triggeredRunId: refresh.id, notebook: "abc", assets: ["b"], partition: null }]);
    expect(logged[0]?.message).toContain(refresh.id);

    // The end of the run again (a crash-retry): the same run, no new log line.
    const again = await triggerUpstreamRefresh(deps(), { run: { id: runId, workspaceId }, planned: ["a"], partition: null, chain: [] });
    expect(again).toEqual([{ notebook: "abc", assets: ["b"], runId: refresh.id, created: false }]);
    expect(await db.run.count()).toBe(2);
    expect(await events(runId, "upstream_triggered")).toHaveLength(1);
    const { rows } = await prismaSqlClient(db).query(`select count(*)::int as n from assetbook_jobs where job_key = $1`, [upstreamJobKey(runId, "abc")]);
    expect(rows).toEqual([{ n: 1 }]);
  });

  it("does not refresh an asset that was in the run's plan", async () => {
    await notebook("abc", ABC);
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "abc", trigger: "manual" });
    expect(summary(await settled())).toEqual([{ notebook: "abc", trigger: "manual", selection: [], partitions: [], status: "succeeded" }]);
    expect(await events(runId, "upstream_triggered")).toEqual([]);
  });

  it("refreshes another notebook that reads the run's table as an external (the shop examples)", async () => {
    await copyFile(path.join(examples, "shop.md"), path.join(dir, "shop.md"));
    await copyFile(path.join(examples, "shop-segments.md"), path.join(dir, "shop-segments.md"));
    await svc.triggerRun({ workspaceId, notebook: "shop", selection: ["customers", "orders"], trigger: "manual" });
    expect(summary(await settled())).toEqual([
      { notebook: "shop", trigger: "manual", selection: ["customers", "orders"], partitions: [], status: "succeeded" },
      { notebook: "shop-segments", trigger: "upstream", selection: ["segment_revenue"], partitions: [], status: "succeeded" },
    ]);
    expect(await warehouse.query("select count(*)::int as n, sum(orders)::int as orders from segment_revenue")).toEqual([{ n: 3, orders: 20_000 }]);
  });

  it("stops a loop between two notebooks and says why", async () => {
    await warehouse.exec("create table y as select 1 as id");
    await notebook("nb-a", follower("x", "y"));
    await notebook("nb-b", follower("y", "x"));
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "nb-a", trigger: "manual" });
    const runs = await settled();
    expect(summary(runs)).toEqual([
      { notebook: "nb-a", trigger: "manual", selection: [], partitions: [], status: "succeeded" },
      { notebook: "nb-b", trigger: "upstream", selection: ["y"], partitions: [], status: "succeeded" },
    ]);
    expect(await events(runId, "upstream_loop")).toEqual([]);
    const stopped = await events(runs.find((r) => r.trigger === "upstream")?.id ?? "", "upstream_loop");
    expect(stopped.map((e) => [e.level, e.message])).toEqual([["warn", "upstream refresh of nb-a stopped: x already ran in this chain (x → y)"]]);
  });

  it(`stops a chain deeper than ${MAX_UPSTREAM_DEPTH} runs`, async () => {
    await notebook("abc", ABC);
    const chainOf = (n: number) => Array.from({ length: n }, (_, i) => [`earlier_${i}`]);
    const deep = await svc.triggerRun({ workspaceId, notebook: "abc", selection: ["a"], trigger: "upstream", chain: chainOf(MAX_UPSTREAM_DEPTH) });
    await settled();
    expect(await db.run.count()).toBe(1);
    expect((await events(deep.runId, "upstream_depth")).map((e) => e.message)).toEqual([`upstream refresh of abc stopped: 11 runs in a row exceed the depth of ${MAX_UPSTREAM_DEPTH}`]);

    const lastAllowed = await svc.triggerRun({ workspaceId, notebook: "abc", selection: ["a"], trigger: "upstream", chain: chainOf(MAX_UPSTREAM_DEPTH - 1) });
    expect(await settled()).toHaveLength(3);
    expect(await events(lastAllowed.runId, "upstream_triggered")).toHaveLength(1);
    const { rows } = await prismaSqlClient(db).query(`select payload from assetbook_jobs where job_key = $1`, [upstreamJobKey(lastAllowed.runId, "abc")]);
    expect(rows[0]).toMatchObject({ payload: { chain: [...chainOf(MAX_UPSTREAM_DEPTH - 1), ["a"]] } });
  });

  it("passes the run's partition to a consumer notebook that has it, and none to one that has not", async () => {
    await notebook("events", `---\ntitle: Events\n${DAILY}---\n\n\`\`\`sql events\nselect {{ partition.key }} as day, 1 as n\n\`\`\`\n`);
    await notebook("daily", follower("daily_counts", "events", `${DAILY}`).replace("from events", "from events where _partition = {{ partition.key }}"));
    await notebook("totals", follower("totals", "events"));
    await svc.triggerRun({ workspaceId, notebook: "events", partition: "2024-01-17", trigger: "manual" });
    expect(summary(await settled())).toEqual([
      { notebook: "events", trigger: "manual", selection: [], partitions: ["2024-01-17"], status: "succeeded" },
      { notebook: "daily", trigger: "upstream", selection: ["daily_counts"], partitions: ["2024-01-17"], status: "succeeded" },
      { notebook: "totals", trigger: "upstream", selection: ["totals"], partitions: [], status: "succeeded" },
    ]);
    expect(await warehouse.query("select n::int as n, _partition from daily_counts")).toEqual([{ n: 1, _partition: "2024-01-17" }]);
  });
});
