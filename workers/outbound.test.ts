// Production runs (the workers' runtime on the embedded store, a real DuckDB warehouse, a
// real HTTP server) honour the operator's ASSETBOOK_OUTBOUND_ALLOW (issue 12, finding 4),
// and their run log never carries a secret's value (finding 5: Headers once threw with a
// PEM key in its message, and the message was logged where viewers read it).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSecretKey, setSecret } from "../lib/catalog";
import { storeCases, type OpenedStore } from "../lib/catalog/test-stores";
import { sendJson, startTestServer, type TestServer } from "../lib/extract/http/test-server";
import { waitFor } from "../lib/queue/conformance";
import { startWorkers, type RunningWorkers } from "./index";

const SECRET_KEY = "f".repeat(64);
const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCprod\n-----END PRIVATE KEY-----\n";

const notebook = (baseUrl: string, extra = "") => `---
title: Outbound
---

\`\`\`extract activities
source: rest
base_url: ${baseUrl}
primary_key: id
retries: { max_attempts: 1 }
${extra}\`\`\`
`;

describe("production runs with ASSETBOOK_OUTBOUND_ALLOW=none", () => {
  let dir: string;
  let opened: OpenedStore;
  let workers: RunningWorkers;
  let api: TestServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-outbound-"));
    await mkdir(path.join(dir, "notebooks"));
    api = await startTestServer((_request, response) => sendJson(response, 200, [{ id: 1 }]));
    const embedded = storeCases().cases.find((c) => c.name === "embedded");
    if (!embedded) throw new Error("no embedded store case");
    opened = await embedded.open();
    workers = await startWorkers(
      {
        ASSETBOOK_DATA_DIR: dir,
        ASSETBOOK_WAREHOUSE: `duckdb:${path.join(dir, "warehouse.duckdb")}`,
        NOTEBOOKS_DIR: path.join(dir, "notebooks"),
        ASSETBOOK_SCHEDULER: "off",
        ASSETBOOK_POLL_MS: "50",
        ASSETBOOK_SECRET_KEY: SECRET_KEY,
        ASSETBOOK_OUTBOUND_ALLOW: "none",
      },
      { store: opened.store },
    );
  });
  afterAll(async () => {
    await workers?.stop();
    await opened?.store.close();
    await opened?.cleanup();
    await api?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(running: RunningWorkers, text: string): Promise<{ status: string; log: string }> {
    await writeFile(path.join(dir, "notebooks", "rides.md"), text);
    const { runId } = await running.service.triggerRun({ workspaceId: running.workspaceId, notebook: "rides", trigger: "manual", environment: "production" });
    let status = "";
    await waitFor(`run ${runId} to finish`, async () => {
      status = (await running.db.run.findUniqueOrThrow({ where: { id: runId } })).status;
      return status !== "queued" && status !== "running";
    });
    const events = await running.db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" } });
    const materializations = await running.db.materialization.findMany({ where: { runId } });
    return { status, log: JSON.stringify({ events, materializations }, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)) };
  }

  it("a run against this machine fails before any request, saying why", async () => {
    const outcome = await run(workers, notebook(`http://127.1:${api.port}/`));
    expect(outcome.status).toBe("failed");
    expect(outcome.log).toContain(`cell \\"activities\\": GET http://127.0.0.1:${api.port}/: 127.0.0.1 is a loopback address, and requests to this machine are off (ASSETBOOK_OUTBOUND_ALLOW)`);
    expect(api.requests).toHaveLength(0);
  });

  it("a secret with a line break in a header fails naming the secret; its value is nowhere in the run log", async () => {
    // Refused where the secret is resolved, before the outbound policy is asked.
    await setSecret(workers.db, parseSecretKey({ ASSETBOOK_SECRET_KEY: SECRET_KEY }), { workspaceId: workers.workspaceId, name: "SERVICE_KEY", value: PEM, actorId: null });
    const outcome = await run(workers, notebook(api.url, "headers: { x_service_key: secret:SERVICE_KEY }\n"));
    expect(outcome.status).toBe("failed");
    expect(outcome.log).toContain("headers.x_service_key: secret SERVICE_KEY contains a line break or NUL, which an HTTP header cannot carry");
    expect(outcome.log).not.toContain("MIIEvQIBADANBgkq");
    expect(api.requests).toHaveLength(0);
  });
});
