// File sensors on every store: each new or changed file in the data directory that matches
// starts one production run with its path as the run parameter, however many schedulers
// evaluate at once and across a restart; other files start nothing.
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { recordProduction } from "../catalog/production";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { parseNotebook } from "../notebook/parse";
import { openLocalQueue, type LocalQueue } from "../queue/local";
import { evaluateFileSensors, fileSensorsOf, type FileSensor } from "./file-sensors";
import { prismaSqlClient } from "./prisma-sql";
import { RunTriggers } from "./trigger";

const { cases } = storeCases();
const NOTEBOOK = `---
params:
  file: { type: string, default: "incoming/none.csv" }
---

\`\`\`extract orders_in
source: file
path: "{{ params.file }}"
sensor: { files: "incoming/*.csv", param: file }
\`\`\`
`;

describe.each(cases)("file sensors on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: LocalQueue;
  let dir: string;
  let dataDir: string;
  let workspaceId: string;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-file-sensors-"));
    dataDir = path.join(dir, "data");
    await mkdir(path.join(dataDir, "incoming"), { recursive: true });
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    await recordProduction(db, workspaceId, {
      notebooks: { orders: NOTEBOOK },
      assets: {},
      promotions: [{ id: randomUUID(), seq: 1, env: "initial", planHash: "h", changed: [], notebooks: ["orders"], promotedAt: new Date() }],
    });
  });
  afterEach(async () => {
    await queue.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  // One scheduler keeps the parsed sensors between evaluations, the other reads them afresh each time.
  const parsed = new Map<string, FileSensor[]>();
  let turn = 0;
  const scheduler = () => evaluateFileSensors({ db, runs: new RunTriggers({ db, queue, notebooksDir: dir }), dataDir, ...(turn++ % 2 === 0 ? { parsed } : {}) }, workspaceId);
  const started = async () => (await Promise.all([scheduler(), scheduler()])).flatMap((outcome) => outcome.started.map((s) => s.path)).sort();
  const sensorRuns = async () =>
    (await db.run.findMany({ where: { workspaceId, trigger: "sensor" }, include: { events: true } })).map((run) => run.events.find((e) => e.message === "triggered by sensor")?.data);

  it("reads the sensor from the notebook", () => {
    const parsed = parseNotebook(NOTEBOOK, "orders.md");
    expect(parsed.ok && fileSensorsOf(parsed.notebook)).toEqual([{ cell: "orders_in", files: "incoming/*.csv", param: "file" }]);
  });

  it("starts one run per file version, with two schedulers and after a restart", async () => {
    await writeFile(path.join(dataDir, "incoming", "a.csv"), "id\n1\n");
    await writeFile(path.join(dataDir, "incoming", "notes.txt"), "not matched");
    await writeFile(path.join(dataDir, "elsewhere.csv"), "id\n9\n");
    expect(await started()).toEqual(["incoming/a.csv"]);
    // Nothing new: nothing starts, however often it is asked (a restart reads the same records).
    expect(await started()).toEqual([]);
    await writeFile(path.join(dataDir, "incoming", "b.csv"), "id\n2\n");
    expect(await started()).toEqual(["incoming/b.csv"]);
    // a.csv changes (new content and time): its new version starts a run.
    await writeFile(path.join(dataDir, "incoming", "a.csv"), "id\n1\n3\n");
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(dataDir, "incoming", "a.csv"), later, later);
    expect(await started()).toEqual(["incoming/a.csv"]);
    expect(await started()).toEqual([]);
    const params = (await sensorRuns()).map((data) => (data !== null && typeof data === "object" && "params" in data ? data.params : null));
    expect(params).toHaveLength(3);
    expect(params).toEqual(expect.arrayContaining([{ file: "incoming/a.csv" }, { file: "incoming/b.csv" }]));
    expect(await db.sensorFile.count()).toBe(3);
  });
});
