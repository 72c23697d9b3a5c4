// A production run's end reaches an alert rule's webhook: a failing check raises
// check_failed and asset_failed (with the failing rows only where the rule allows samples),
// the run's next success resolves them, and the history shows every delivery.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { z } from "zod";
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
import { AlertService } from "../alerts/service";
import { deliveryHistory, saveRule } from "../alerts/store";
import { webhookReceiver, type WebhookReceiver } from "../alerts/test-receiver";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";

const { cases } = storeCases();

const notebook = (amount: number) => ["---", "owners: [ana@example.com]", "---", "", "```sql payments", "-- checks: accepted_range(amount, min=0)", `select 1 as id, ${amount} as amount`, "```", ""].join("\n");

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("run alerts on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let worker: Worker;
  let svc: RunService;
  let hook: WebhookReceiver;
  let url: string;
  const body = z.object({ kind: z.string(), event: z.string(), dedup_key: z.string(), samples: z.unknown().optional() });
  const bodiesOf = () => hook.received.map((request) => body.parse(JSON.parse(request.body)));

  beforeEach(async () => {
    hook = await webhookReceiver();
    url = hook.url;
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-run-alerts-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    const alerts = new AlertService({ db, queue, key: randomBytes(32), baseUrl: null, outbound: { allowLoopback: true, allowPrivate: false }, smtp: null, envSecrets: [], env: {} });
    svc = new RunService({
      db,
      queue,
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      notebooksDir: dir,
      parser: async () => parser,
      cancelPollMs: 50,
      onRunEnded: (ws, run) => alerts.runEnded(ws, run),
    });
    worker = queue.work({ ...svc.handlers(), ...alerts.handlers() }, { concurrency: 2, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
  });
  afterEach(async () => {
    await worker.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
    await hook.close();
  });

  async function run() {
    const { runId } = await svc.triggerRun({ workspaceId, notebook: "payments", trigger: "manual" });
    await waitFor(`run ${runId}`, async () => !["queued", "running"].includes((await db.run.findUniqueOrThrow({ where: { id: runId } })).status));
  }

  it("raises check_failed, asset_failed and run_failed to the rules that match, then resolves them on the next success", async () => {
    const checks = await saveRule(db, workspaceId, { name: "checks", scope: { kind: "owner", value: "ana@example.com" }, events: ["check_failed", "asset_failed"], destination: { type: "webhook", url }, allowSamples: true });
    const runs = await saveRule(db, workspaceId, { name: "runs", scope: { kind: "notebook", value: "payments" }, events: ["run_failed"], destination: { type: "webhook", url } });
    await saveRule(db, workspaceId, { name: "elsewhere", scope: { kind: "notebook", value: "other" }, events: ["run_failed", "check_failed"], destination: { type: "webhook", url } });
    await writeFile(path.join(dir, "payments.md"), notebook(-5));
    await run();
    await waitFor("three alerts", async () => bodiesOf().length >= 3);
    expect(bodiesOf().map((b) => `${b.kind} ${b.dedup_key}`).sort()).toEqual([
      "triggered asset_failed:payments",
      "triggered check_failed:payments:accepted_range(amount, min=0)",
      "triggered run_failed:payments",
    ]);
    expect(bodiesOf().find((b) => b.event === "check_failed")?.samples).toEqual([{ id: 1, amount: -5 }]);
    expect(bodiesOf().find((b) => b.event === "run_failed")?.samples).toBeUndefined();
    // The same failure again: the incidents are open, nothing new is sent.
    await run();
    await writeFile(path.join(dir, "payments.md"), notebook(5));
    await run();
    await waitFor("three resolved", async () => bodiesOf().filter((b) => b.kind === "resolved").length >= 3);
    expect(bodiesOf().filter((b) => b.kind === "triggered")).toHaveLength(3);
    expect(bodiesOf().filter((b) => b.kind === "resolved").map((b) => b.dedup_key).sort()).toEqual([
      "asset_failed:payments",
      "check_failed:payments:accepted_range(amount, min=0)",
      "run_failed:payments",
    ]);
    // The receiver answers before the deliverer records "sent": wait for the history to settle.
    await waitFor("deliveries recorded", async () => [...(await deliveryHistory(db, runs.id)), ...(await deliveryHistory(db, checks.id))].every((d) => d.status === "sent"));
    expect((await deliveryHistory(db, runs.id)).map((d) => `${d.kind} ${d.status}`)).toEqual(["resolved sent", "triggered sent"]);
    expect((await deliveryHistory(db, checks.id)).map((d) => `${d.kind} ${d.status}`).sort()).toEqual(["resolved sent", "resolved sent", "triggered sent", "triggered sent"]);
  });
});
