// Production runs once production is promoted (embedded store, DuckDB warehouse): the first
// start promotes the notebooks on disk and keeps the tables already written; runs, schedules
// and refreshes execute promoted texts only, so saving a notebook changes nothing until a
// promotion; a run triggered before a promotion runs the promoted text; a promotion during a
// run fences its writes.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { listPromotions, productionTexts } from "../catalog/production";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { syncNotebookFiles } from "../catalog/sync-notebooks";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { buildEnvironment } from "../lifecycle/build";
import { PRODUCTION } from "../lifecycle/layout";
import { productionBinding, productionRunWarehouse } from "../lifecycle/production-runs";
import { promoteEnvironment } from "../lifecycle/promote";
import { servedState } from "../lifecycle/store";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { GuardError } from "../warehouse/errors";
import type { Warehouse } from "../warehouse/types";
import { prismaSqlClient } from "./prisma-sql";
import { startProduction } from "./production";
import { RunService } from "./service";
import { isRunInputError } from "./trigger";
import { readWorkspaceNotebooks } from "./workspace-notebooks";
import { productionLifecycle } from "./notebook-changes";

const [embedded] = storeCases().cases;
if (embedded === undefined) throw new Error("no embedded store case");

const SHOP = (factor: number) => `---
title: Shop
---

\`\`\`sql src
select 1 as id union all select 2 as id
\`\`\`

\`\`\`sql doubled
select id * ${factor} as v from src
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe("production runs after promotion", () => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  const workers: Worker[] = [];

  beforeEach(async () => {
    opened = await embedded.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-promoted-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const service = () =>
    new RunService({ db, queue, openWarehouse: async () => ({ warehouse, release: async () => undefined }), notebooksDir: dir, parser: async () => parser, cancelPollMs: 50, random: () => 0.5 });
  const work = (svc: RunService) => {
    const worker = queue.work(svc.handlers(), { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
    workers.push(worker);
  };
  async function finished(runId: string): Promise<{ status: string; error: string | null }> {
    let run = { status: "", error: null as string | null };
    await waitFor(`run ${runId} to finish`, async () => {
      run = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true } });
      return run.status !== "queued" && run.status !== "running";
    });
    return run;
  }
  const doubled = async () => (await warehouse.query("select v from doubled order by v")).map((row) => Number(row.v));
  const start = () => startProduction({ db, workspaceId, warehouse, notebooksDir: dir, parser });
  const productionMaterializations = async () =>
    (await db.materialization.findMany({ where: { environment: "production", asset: { workspaceId } }, orderBy: [{ createdAt: "asc" }], include: { asset: true } }))
      .map((m) => ({ name: m.asset.name, rows: m.rows === null ? null : Number(m.rows), status: m.status, reason: m.reason, checks: m.checks }))
      .sort((a, b) => a.name.localeCompare(b.name));

  it("the first start promotes the notebooks on disk, keeping the tables a run wrote before", async () => {
    await writeFile(path.join(dir, "shop.md"), SHOP(2));
    const legacy = service();
    work(legacy);
    // Before any promotion, runs write tables as they always did.
    expect((await finished((await legacy.triggerRun({ workspaceId, notebook: "shop", trigger: "manual", environment: "production" })).runId)).status).toBe("succeeded");
    await warehouse.exec("create table notes as select 'not an asset' as t");
    // As if `assetbook run` had written src: a table with no production history in the catalog.
    await db.materialization.deleteMany({ where: { asset: { workspaceId, name: "src" } } });

    const started = await start();
    expect(started).toMatchObject({ adopted: true, notebooks: ["shop"], assets: ["doubled", "src"], moved: ["doubled", "src"] });
    // The data stayed, now behind production's views; a table of no asset is left alone.
    expect(await doubled()).toEqual([2, 4]);
    const kinds = await warehouse.query("select table_name, table_type from information_schema.tables where table_schema = 'main' order by table_name");
    expect(kinds.map((row) => `${String(row.table_name)}:${String(row.table_type)}`)).toEqual(["doubled:VIEW", "notes:BASE TABLE", "src:VIEW"]);
    // The catalog follows: production's text, its assets' versions and the promotion.
    expect(await productionTexts(db, workspaceId)).toEqual({ shop: SHOP(2) });
    const production = await servedState(warehouse, PRODUCTION);
    const assets = await db.asset.findMany({ where: { workspaceId }, orderBy: { name: "asc" }, select: { name: true, productionVersion: true } });
    expect(assets).toEqual([
      { name: "doubled", productionVersion: production.assets.doubled },
      { name: "src", productionVersion: production.assets.src },
    ]);
    expect((await listPromotions(db, workspaceId)).map((p) => [p.seq, p.env, p.changed])).toEqual([[1, "initial", ["doubled", "src"]]]);
    // Adopted data with no production history is production's materialization, not "never
    // materialized"; data whose runs the catalog recorded is told by them.
    const adoptedRows = await productionMaterializations();
    expect(adoptedRows.filter((m) => m.reason?.startsWith("adopted at the first start"))).toEqual([expect.objectContaining({ name: "src", rows: 2, status: "succeeded" })]);
    expect(adoptedRows.filter((m) => m.name === "doubled")).toEqual([expect.objectContaining({ reason: null, rows: 2, status: "succeeded" })]);
    // A second start changes nothing, and records nothing again.
    expect(await start()).toEqual({ adopted: false, reason: "production has been promoted before" });
    expect(await productionMaterializations()).toHaveLength(adoptedRows.length);
  });

  it("runs in production's workspace file (its values and macros), merges an incremental cell, and builds it whole on a full refresh", async () => {
    await writeFile(path.join(dir, "assetbook.yml"), "vars: { factor: 1 }\nmacros:\n  scaled: { args: [x], sql: 'x * {{ var.factor }}' }\nenvironments:\n  production: { vars: { factor: 10 } }\n");
    await writeFile(
      path.join(dir, "feed.md"),
      "---\ntitle: Feed\nexternal: [feed]\n---\n\n```sql totals\n-- materialized: incremental\n-- unique_key: id\n-- incremental: id >= (select max(id) from this)\nselect id, scaled(v) as v from feed\n```\n",
    );
    await warehouse.exec("create table feed as select * from (values (1, 1), (2, 2)) t(id, v)");
    expect(await start()).toMatchObject({ adopted: true, notebooks: ["assetbook.yml", "feed"] });
    // The catalog lists notebooks, not the workspace file.
    expect(Object.keys((await productionTexts(db, workspaceId)) ?? {})).toEqual(["feed"]);
    const svc = service();
    work(svc);
    const totals = async () => (await warehouse.query("select id, v from totals order by id")).map((row) => [Number(row.id), Number(row.v)]);
    const run = async (fullRefresh = false) => {
      const triggered = await svc.triggerRun({ workspaceId, notebook: "feed", trigger: "manual", environment: "production", ...(fullRefresh ? { fullRefresh } : {}) });
      const finishedRun = await finished(triggered.runId);
      return finishedRun.status === "succeeded" ? "succeeded" : `${finishedRun.status}: ${finishedRun.error ?? ""}`;
    };
    expect(await run()).toBe("succeeded");
    expect(await totals()).toEqual([[1, 10], [2, 20]]);
    // Row 1 changed at the source, row 3 arrived: the predicate takes 2 and 3 only.
    await warehouse.exec("delete from feed; insert into feed values (1, 5), (2, 2), (3, 3)");
    expect(await run()).toBe("succeeded");
    expect(await totals()).toEqual([[1, 10], [2, 20], [3, 30]]);
    expect(await run(true)).toBe("succeeded");
    expect(await totals()).toEqual([[1, 50], [2, 20], [3, 30]]);
  });

  it("saving a notebook changes neither the next run nor the schedules' view; a promotion does, and a run triggered before it runs the promoted text", async () => {
    await writeFile(path.join(dir, "shop.md"), SHOP(2));
    await start();
    const svc = service();
    work(svc);
    expect((await finished((await svc.triggerRun({ workspaceId, notebook: "shop", trigger: "manual", environment: "production" })).runId)).status).toBe("succeeded");
    expect(await doubled()).toEqual([2, 4]);

    // The editor saves a new working copy; the catalog sync sees the file.
    await writeFile(path.join(dir, "shop.md"), SHOP(3));
    await syncNotebookFiles(db, workspaceId, dir, parser, undefined, await productionTexts(db, workspaceId));
    expect((await readWorkspaceNotebooks(db, workspaceId, dir)).notebooks.get("shop")?.cells.some((cell) => cell.type === "asset" && cell.body.includes("id * 2"))).toBe(true);
    expect((await finished((await svc.triggerRun({ workspaceId, notebook: "shop", trigger: "schedule", environment: "production" })).runId)).status).toBe("succeeded");
    expect(await doubled()).toEqual([2, 4]);

    // A run triggered now, executed after the promotion: it runs what production serves then.
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const early = await svc.triggerRun({ workspaceId, notebook: "shop", trigger: "manual", environment: "production" });
    const built = await buildEnvironment({ warehouse, productionSchema: "main", env: "triple", proposed: [{ slug: "shop", text: SHOP(3) }], parser });
    expect(built.ok && built.built).toEqual(["doubled"]);
    expect(await promoteEnvironment({ warehouse, productionSchema: "main", env: "triple", parser })).toMatchObject({ ok: true, changed: ["doubled"] });
    // As if the promoting process died right after its commit: the next start reconciles the catalog.
    expect((await listPromotions(db, workspaceId)).map((p) => p.env)).toEqual(["initial"]);
    expect(await start()).toEqual({ adopted: false, reason: "production has been promoted before" });
    expect((await listPromotions(db, workspaceId)).map((p) => p.env)).toEqual(["triple", "initial"]);
    expect(await doubled()).toEqual([3, 6]);
    // The promoted version's build is production's materialization of it.
    expect((await productionMaterializations()).filter((m) => m.reason?.startsWith("promoted from environment triple"))).toEqual([expect.objectContaining({ name: "doubled", rows: 2, status: "succeeded" })]);
    work(svc);
    expect((await finished(early.runId)).status).toBe("succeeded");
    expect(await doubled()).toEqual([3, 6]);
    const promotedVersion = (await db.notebook.findFirstOrThrow({ where: { workspaceId, slug: "shop" } })).productionVersionId;
    const recorded = await db.materialization.findMany({ where: { runId: early.runId }, select: { notebookVersionId: true } });
    expect(recorded.map((m) => m.notebookVersionId)).toEqual([promotedVersion, promotedVersion]);
    const rebound = await db.runEvent.findMany({ where: { runId: early.runId, message: { contains: "promoted after this run was triggered" } } });
    expect(rebound).toHaveLength(1);
    // The environment that built the version reads what production's run wrote to it.
    expect((await warehouse.query(`select count(*) as n from "env__triple".doubled`))[0]?.n).toBe(2);
  });

  it("a notebook that is not in production cannot be run there", async () => {
    await writeFile(path.join(dir, "shop.md"), SHOP(2));
    await start();
    await writeFile(path.join(dir, "draft.md"), SHOP(5).replace("src", "src2").replace("from src", "from src2").replace("doubled", "d2"));
    const error = await service()
      .triggerRun({ workspaceId, notebook: "draft", trigger: "manual", environment: "production" })
      .catch((e: unknown) => e);
    expect(isRunInputError(error) && error.message).toBe('notebook "draft" is not in production: promote it before running it in production');
  });

  it("a promotion during a run refuses the run's later writes", async () => {
    await writeFile(path.join(dir, "shop.md"), SHOP(2));
    await start();
    const binding = await productionBinding(warehouse);
    if (binding === null) throw new Error("production is promoted");
    const run = productionRunWarehouse(warehouse, binding, new Map([["src", { kind: "sql" as const }], ["doubled", { kind: "sql" as const }]]));
    await run.exec("create table src__stage as select 1 as id union all select 2 as id");
    await run.exec("create table doubled__stage as select 7 as v");
    await run.swap([{ staging: "src__stage", target: "src" }, { staging: "doubled__stage", target: "doubled" }]);
    expect(await doubled()).toEqual([7]);
    expect((await buildEnvironment({ warehouse, productionSchema: "main", env: "triple", proposed: [{ slug: "shop", text: SHOP(3) }], parser })).ok).toBe(true);
    expect((await promoteEnvironment({ warehouse, productionSchema: "main", env: "triple", parser })).ok).toBe(true);
    await run.exec("create table doubled__stage as select 8 as v");
    await expect(run.swap([{ staging: "doubled__stage", target: "doubled" }])).rejects.toBeInstanceOf(GuardError);
    expect(await doubled()).toEqual([3, 6]);
  });
  it("a promoted change of a partitioned notebook: the environment built its newest partition, production's runs backfill the others into the promoted version", async () => {
    const regional = (amount: number) => `---\ntitle: Regional\npartitions: { type: static, keys: [eu, us, apac] }\n---\n\n\`\`\`sql sales\nselect {{ partition.key }} as region, ${amount} as amount\n\`\`\`\n`;
    const sales = async () => (await warehouse.query("select region, amount from sales order by region")).map((row) => `${String(row.region)}:${Number(row.amount)}`);
    await writeFile(path.join(dir, "regional.md"), regional(10));
    await start();
    const svc = service();
    work(svc);
    for (const partition of ["eu", "us", "apac"]) {
      expect((await finished((await svc.triggerRun({ workspaceId, notebook: "regional", partition, trigger: "manual", environment: "production" })).runId)).status).toBe("succeeded");
    }
    expect(await sales()).toEqual(["apac:10", "eu:10", "us:10"]);

    const lifecycle = productionLifecycle({ db, workspaceId, notebooksDir: dir, warehouse, parser, runs: svc });
    const built = await lifecycle.build({ env: "change", notebooks: [{ slug: "regional", text: regional(20) }] });
    expect(built.ok && built.document.outcomes.map((o) => `${o.asset}@${o.partition ?? ""}`)).toEqual(["sales@apac"]);
    expect(await sales()).toEqual(["apac:10", "eu:10", "us:10"]);
    const promoted = await lifecycle.promote("change");
    expect(promoted).toMatchObject({ ok: true, changed: ["sales"], backfill: [{ notebook: "regional", assets: ["sales"], built: ["apac"] }] });
    const backfills = await db.run.findMany({ where: { workspaceId, trigger: "backfill" }, orderBy: { createdAt: "asc" }, select: { id: true, partitions: true, selection: true } });
    expect(backfills.map((run) => [run.partitions, run.selection])).toEqual([[["eu"], ["sales"]], [["us"], ["sales"]]]);
    for (const run of backfills) expect((await finished(run.id)).status).toBe("succeeded");
    expect(await sales()).toEqual(["apac:20", "eu:20", "us:20"]);
    // All of it in the promoted version: production serves it, and the environment that built it reads the same rows.
    expect((await warehouse.query(`select count(*) as n from "env__change".sales`))[0]?.n).toBe(3);
  });
});
