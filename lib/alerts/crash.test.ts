// A worker process SIGKILLed while it sends an alert: after the restart the delivery is sent
// again, as docs/alerts.md says (at least once), with the same delivery id and dedup key, and
// then it is marked sent. Real processes (workers/test-child.mjs) over the embedded catalog.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openCatalogStore } from "../catalog/store";
import { copyMigratedCatalog } from "../catalog/test-stores";
import { ensureWorkspace } from "../catalog/workspaces";
import { openLocalQueue } from "../queue/local";
import { prismaSqlClient } from "../runs/prisma-sql";
import { spawnWorker, type Child } from "../../workers/crash-env";
import { AlertService } from "./service";
import { saveRule } from "./store";
import { DEDUP_HEADER, DELIVERY_HEADER } from "./payload";
import { createServer } from "node:http";

const KEY_HEX = "ab12".repeat(16);
const quiet = { onWarning: () => undefined };

describe("a worker killed mid-delivery", () => {
  const children: Child[] = [];
  let dir = "";
  afterEach(async () => {
    for (const child of children) child.proc.kill("SIGKILL");
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("sends the delivery again after the restart, with the same id and dedup key, and marks it sent", { timeout: 120_000 }, async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-alert-crash-"));
    const catalogDir = path.join(dir, "catalog");
    await copyMigratedCatalog(catalogDir);
    await mkdir(path.join(dir, "notebooks"));
    // The receiver holds the first request open (the worker is killed while it waits), then answers.
    const requests: { delivery: string; dedup: string }[] = [];
    let holdFirst = true;
    const server = createServer((req, res) => {
      requests.push({ delivery: String(req.headers[DELIVERY_HEADER]), dedup: String(req.headers[DEDUP_HEADER]) });
      req.resume();
      if (holdFirst) {
        holdFirst = false;
        return;
      }
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}/hook`;
    try {
      // The alert is raised in this process, then the store is closed for the workers (PGlite: one process).
      const store = await openCatalogStore({ catalogDir }, quiet);
      const queue = await openLocalQueue(prismaSqlClient(store.db));
      const workspaceId = (await ensureWorkspace(store.db)).id;
      await saveRule(store.db, workspaceId, { name: "hook", scope: { kind: "workspace" }, events: ["run_failed"], destination: { type: "webhook", url } });
      const alerts = new AlertService({ db: store.db, queue, key: Buffer.from(KEY_HEX, "hex"), baseUrl: null, outbound: { allowLoopback: true, allowPrivate: false }, smtp: null, envSecrets: [], env: {} });
      await alerts.raise(workspaceId, { type: "run_failed", key: "shop", title: "Run of shop failed", at: new Date(), subject: { notebook: "shop", owners: [], tags: [] }, facts: {} });
      await queue.close();
      await store.close();

      const env = {
        ASSETBOOK_CATALOG_DIR: catalogDir,
        ASSETBOOK_WAREHOUSE: `duckdb:${path.join(dir, "warehouse.duckdb")}`,
        ASSETBOOK_DATA_DIR: path.join(dir, "data"),
        NOTEBOOKS_DIR: path.join(dir, "notebooks"),
        ASSETBOOK_STATE_DIR: path.join(dir, "state"),
        ASSETBOOK_SECRET_KEY: KEY_HEX,
        ASSETBOOK_LOCK_TIMEOUT_MS: "1500",
        ASSETBOOK_POLL_MS: "50",
      };
      const first = spawnWorker(env);
      children.push(first);
      await waitUntil(() => requests.length === 1, first.output);
      first.proc.kill("SIGKILL");
      expect(await first.exited).toEqual({ code: null, signal: "SIGKILL" });

      const second = spawnWorker(env);
      children.push(second);
      await waitUntil(() => requests.length === 2, second.output);
      // Give the worker the moment it needs to record the outcome, then stop it cleanly.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      second.proc.kill("SIGTERM");
      await second.exited;

      expect(requests[0]).toEqual(requests[1]);
      expect(requests[0]?.dedup).toBe("run_failed:shop");
      const reopened = await openCatalogStore({ catalogDir }, quiet);
      try {
        const deliveries = await reopened.db.alertDelivery.findMany();
        expect(deliveries.map((d) => ({ id: d.id, status: d.status, attempts: d.attempts }))).toEqual([{ id: requests[0]?.delivery, status: "sent", attempts: 2 }]);
      } finally {
        await reopened.close();
      }
      expect(requests).toHaveLength(2);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

async function waitUntil(condition: () => boolean, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; the worker said:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
