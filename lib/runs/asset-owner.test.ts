// One asset, one producing notebook: a second notebook declaring the same asset fails that
// asset in its runs and leaves the first notebook's table alone; once the first notebook no
// longer declares it, the asset may move.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
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

const { cases } = storeCases();

const cell = (value: number) => ["```sql shared_table", `select ${value} as v`, "```", ""].join("\n");

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("asset ownership on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let worker: Worker;
  let svc: RunService;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-owner-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    svc = new RunService({ db, queue, openWarehouse: async () => ({ warehouse, release: async () => undefined }), notebooksDir: dir, parser: async () => parser, cancelPollMs: 50 });
    worker = queue.work(svc.handlers(), { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
  });
  afterEach(async () => {
    await worker.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(notebook: string) {
    const { runId } = await svc.triggerRun({ workspaceId, notebook, trigger: "manual" });
    let status = "";
    await waitFor(`run ${runId}`, async () => {
      status = (await db.run.findUniqueOrThrow({ where: { id: runId } })).status;
      return status !== "queued" && status !== "running";
    });
    return { status, error: (await db.run.findUniqueOrThrow({ where: { id: runId } })).error };
  }
  const value = async () => Number((await warehouse.query("select v from shared_table"))[0]?.v);

  it("refuses a second producer, then lets the asset move once the first drops it", async () => {
    await writeFile(path.join(dir, "first.md"), cell(1));
    await writeFile(path.join(dir, "second.md"), cell(2));
    expect((await run("first")).status).toBe("succeeded");

    const refused = await run("second");
    expect(refused).toEqual({ status: "failed", error: 'shared_table: asset "shared_table" is produced by notebook "first"; rename one of the two cells' });
    expect(await value()).toBe(1);

    // The first notebook stops declaring it (a new version on its next run): the asset moves.
    await writeFile(path.join(dir, "first.md"), ["```sql other_table", "select 0 as v", "```", ""].join("\n"));
    expect((await run("first")).status).toBe("succeeded");
    expect((await run("second")).status).toBe("succeeded");
    expect(await value()).toBe(2);
    const asset = await db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name: "shared_table" } }, include: { notebook: true } });
    expect(asset.notebook?.slug).toBe("second");
  });
});
