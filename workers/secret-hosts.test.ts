// Production runs resolve workspace secrets bound to their allowed hosts: the workers'
// runtime (extractSources) over each catalog store, a real DuckDB warehouse, two real HTTP
// servers. A run whose cell points at B fails, naming the cell, field, secret and host,
// and B never sees a request. Embedded PGlite always, PostgreSQL with TEST_DATABASE_URL.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseSecretKey, setSecret } from "../lib/catalog";
import { storeCases, type OpenedStore } from "../lib/catalog/test-stores";
import { sendJson, startTestServer, type TestServer } from "../lib/extract/http/test-server";
import { waitFor } from "../lib/queue/conformance";
import { adminUrl, pgDatabases } from "../lib/queue/test-pg";
import { startWorkers, type RunningWorkers, type StartOptions } from "./index";
import type { Env } from "./runtime";

if (!adminUrl) console.warn("TEST_DATABASE_URL is not set: production runs with secret hosts are not tested on PostgreSQL");

const SECRET_KEY = "d".repeat(64);
const TOKEN = "prod-token-77aa-only-for-a";

const notebook = (baseUrl: string) => `---
title: Secret hosts
---

\`\`\`extract activities
source: rest
base_url: ${baseUrl}
auth: { type: bearer, token: secret:FITNESS_TOKEN }
primary_key: id
retries: { max_attempts: 1 }
\`\`\`
`;

interface Started {
  env: Env;
  options: StartOptions;
  cleanup(): Promise<void>;
}

const databases = pgDatabases("assetbook_secret_hosts");
const stores: { name: string; open(): Promise<Started> }[] = [
  {
    name: "embedded",
    async open() {
      const embedded = storeCases().cases.find((c) => c.name === "embedded");
      if (!embedded) throw new Error("no embedded store case");
      const opened: OpenedStore = await embedded.open();
      return {
        env: {},
        options: { store: opened.store },
        cleanup: async () => {
          await opened.store.close();
          await opened.cleanup();
        },
      };
    },
  },
  ...(adminUrl
    ? [{ name: "postgres", open: async (): Promise<Started> => ({ env: { DATABASE_URL: await databases.fresh() }, options: {}, cleanup: () => databases.dropAll() }) }]
    : []),
];

describe.each(stores)("production runs on the $name store", (storeCase) => {
  let dir: string;
  let started: Started;
  let workers: RunningWorkers;
  let a: TestServer;
  let b: TestServer;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-secret-hosts-"));
    await mkdir(path.join(dir, "notebooks"));
    const answer = (_request: unknown, response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, [{ id: 1 }, { id: 2 }]);
    [a, b] = await Promise.all([startTestServer(answer), startTestServer(answer)]);
    started = await storeCase.open();
    workers = await startWorkers(
      {
        ...started.env,
        ASSETBOOK_DATA_DIR: dir,
        ASSETBOOK_WAREHOUSE: `duckdb:${path.join(dir, "warehouse.duckdb")}`,
        NOTEBOOKS_DIR: path.join(dir, "notebooks"),
        ASSETBOOK_SCHEDULER: "off",
        ASSETBOOK_POLL_MS: "50",
        ASSETBOOK_SECRET_KEY: SECRET_KEY,
      },
      started.options,
    );
  });
  afterEach(async () => {
    await workers?.stop();
    await started?.cleanup();
    await Promise.all([a?.close(), b?.close()]);
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the notebook with its extract pointed at `server` (an asset lives in one notebook: the same file, edited). */
  async function runAgainst(server: TestServer): Promise<{ status: string; messages: string[] }> {
    await writeFile(path.join(dir, "notebooks", "rides.md"), notebook(server.url));
    const { runId } = await workers.service.triggerRun({ workspaceId: workers.workspaceId, notebook: "rides", trigger: "manual", environment: "production" });
    let status = "";
    await waitFor(`run ${runId} to finish`, async () => {
      status = (await workers.db.run.findUniqueOrThrow({ where: { id: runId } })).status;
      return status !== "queued" && status !== "running";
    });
    const events = await workers.db.runEvent.findMany({ where: { runId }, orderBy: { id: "asc" }, select: { message: true } });
    return { status, messages: events.map((e) => e.message) };
  }

  it("sends the secret to its allowed host A; a run against B fails before B gets a request", async () => {
    const key = parseSecretKey({ ASSETBOOK_SECRET_KEY: SECRET_KEY });
    const hostA = new URL(a.url).host;
    await setSecret(workers.db, key, { workspaceId: workers.workspaceId, name: "FITNESS_TOKEN", value: TOKEN, allowedHosts: [hostA], actorId: null });

    const toA = await runAgainst(a);
    expect(toA.status, toA.messages.join("\n")).toBe("succeeded");
    expect(a.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);

    const toB = await runAgainst(b);
    expect(toB.status).toBe("failed");
    const expected = `cell "activities": auth.token: secret FITNESS_TOKEN may not be sent to ${new URL(b.url).host} (allowed: ${hostA})`;
    expect(toB.messages.some((m) => m.includes(expected)), toB.messages.join("\n")).toBe(true);
    expect(toB.messages.join("\n")).not.toContain(TOKEN);
    expect(b.requests).toHaveLength(0);
  });
});
