// An ml cell below a partitioned SQL asset, run by the RunService on each store (embedded:
// PGlite catalog and DuckDB warehouse; PostgreSQL catalog and warehouse when TEST_DATABASE_URL
// is set): the SQL table gains one partition per run, while the model trains on the whole
// table and its outputs are replaced whole (they have no `_partition`).
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import { pgDatabases } from "../queue/test-pg";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);
const warehouses = pgDatabases("ab_part_ml");

const NOTEBOOK = `---
title: Points
partitions: { type: monthly, start: "2024-01-01" }
---

\`\`\`sql points
select {{ partition.start | date }} as month_start, x, 3 * x + 1 as y
from (values (1), (2), (3), (4), (5), (6)) as t(x)
\`\`\`

\`\`\`ml fit
from: points
target: y
features: [x]
model: linear
\`\`\`

\`\`\`chart y_by_x
from: points
mark: point
x: x
y: y
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(async () => {
  parser.close();
  await warehouses.dropAll();
});

describe.each(cases)("an ml cell in a partitioned notebook on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let worker: Worker;
  let svc: RunService;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-part-ml-"));
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse =
      storeCase.name === "postgres"
        ? await openPostgresWarehouse({ connectionString: await warehouses.fresh() })
        : await openDuckDbWarehouse({ path: path.join(dir, "warehouse.duckdb") });
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    svc = new RunService({ db, queue, notebooksDir: dir, openWarehouse: async () => ({ warehouse, release: async () => undefined }), parser: async () => parser, cancelPollMs: 50 });
    worker = queue.work(svc.handlers(), { concurrency: 1, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
  });
  afterEach(async () => {
    await worker.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(partition: string): Promise<{ status: string; error: string | null }> {
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "points", trigger: "manual", partition });
    let found = { status: "", error: null as string | null };
    await waitFor(`run of ${partition}`, async () => {
      found = await db.run.findUniqueOrThrow({ where: { id: runId }, select: { status: true, error: true } });
      return found.status !== "queued" && found.status !== "running";
    });
    return found;
  }
  const count = async (sql: string) => Number((await warehouse.query(sql))[0]?.n);

  it("runs two partitions: the SQL table holds both, the model's outputs cover the whole table", { timeout: 60_000 }, async () => {
    await writeFile(path.join(dir, "points.md"), NOTEBOOK);
    expect(await run("2024-03")).toEqual({ status: "succeeded", error: null });
    expect(await count("select count(*) as n from fit__predictions")).toBe(6);
    expect(await run("2024-04")).toEqual({ status: "succeeded", error: null });

    const partitions = await warehouse.query("select _partition as p, count(*) as n from points group by _partition order by _partition");
    expect(partitions.map((r) => [r.p, Number(r.n)])).toEqual([["2024-03", 6], ["2024-04", 6]]);
    expect(await count("select count(*) as n from fit__predictions")).toBe(12);
    expect((await warehouse.describe("fit__predictions"))?.map((c) => c.name)).not.toContain("_partition");
    const r2 = await warehouse.query("select value from fit__metrics where metric = 'r2' and split = 'train'");
    expect(Number(r2[0]?.value)).toBeCloseTo(1, 6);

    // Re-running March replaces March's rows only; the model is trained again on both months.
    expect(await run("2024-03")).toEqual({ status: "succeeded", error: null });
    expect(await count("select count(*) as n from points")).toBe(12);
    expect(await count("select count(*) as n from fit__predictions")).toBe(12);
    const mats = await db.materialization.findMany({ where: { asset: { name: { in: ["fit", "y_by_x"] } }, status: "succeeded" }, select: { partition: true } });
    expect(mats.map((m) => m.partition).sort()).toEqual(["2024-03", "2024-03", "2024-03", "2024-03", "2024-04", "2024-04"]);
  });
});
