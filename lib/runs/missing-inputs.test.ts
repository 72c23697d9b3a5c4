// "Run in production" of a selection on a fresh workspace: the notebook's assets the
// selection reads (cells and checks) that never ran are named before the run, in graph order.
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordMaterialization } from "../catalog/materializations";
import { syncNotebookFiles } from "../catalog/sync-notebooks";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { neverMaterializedInputs } from "./missing-inputs";

const [embedded] = storeCases().cases;
if (embedded === undefined) throw new Error("no embedded store case");

let opened: OpenedStore;
let parser: NodeSqlReferenceParser;
let dir: string;
let workspaceId: string;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
  opened = await embedded.open();
  dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-missing-"));
  await copyFile(path.join(process.cwd(), "notebooks", "shop.md"), path.join(dir, "shop.md"));
  workspaceId = (await opened.store.db.workspace.create({ data: { slug: "w", name: "W" } })).id;
  await syncNotebookFiles(opened.store.db, workspaceId, dir, parser);
});
afterAll(async () => {
  parser.close();
  await opened.store.close();
  await opened.cleanup();
  await rm(dir, { recursive: true, force: true });
});

describe("neverMaterializedInputs", () => {
  it("names what a selection reads and never ran, then forgets what has run", async () => {
    const db = opened.store.db;
    const missing = (...selection: string[]) => neverMaterializedInputs(db, workspaceId, "shop", selection);
    // orders' relationships check reads customers; top_customers reads both.
    expect(await missing("orders+")).toEqual(["customers"]);
    expect(await missing("top_customers")).toEqual(["customers", "orders"]);
    expect(await missing("+top_customers")).toEqual([]);
    expect(await missing()).toEqual([]);
    expect(await missing("nope")).toEqual([]);
    const customers = await db.asset.findFirstOrThrow({ where: { workspaceId, name: "customers" } });
    await recordMaterialization(db, { assetId: customers.id, environment: "production", partition: null, status: "failed", notebookVersionId: null, runId: null, durationMs: 1 });
    expect(await missing("orders+")).toEqual(["customers"]);
    await recordMaterialization(db, { assetId: customers.id, environment: "production", partition: null, status: "succeeded", notebookVersionId: null, runId: null, durationMs: 1 });
    expect(await missing("orders+")).toEqual([]);
    // Above a materialized input nothing is named: the run reads that input's table.
    const orders = await db.asset.findFirstOrThrow({ where: { workspaceId, name: "orders" } });
    await recordMaterialization(db, { assetId: orders.id, environment: "production", partition: null, status: "succeeded", notebookVersionId: null, runId: null, durationMs: 1 });
    expect(await missing("revenue_per_day")).toEqual(["daily_revenue"]);
  });
});
