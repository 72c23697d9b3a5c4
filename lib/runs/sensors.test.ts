// A notebook's webhook sensor on every store: a signed request starts one production run per
// idempotency key (with its partition and params), and everything else is refused, changing nothing.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { openLocalQueue, type LocalQueue } from "../queue/local";
import { signatureOf } from "../secrets/signature";
import { prismaSqlClient } from "./prisma-sql";
import { rotateSensorSecret, sensorSecret, triggerFromSensor } from "./sensors";
import { RunTriggers } from "./trigger";

const { cases } = storeCases();
const KEY = randomBytes(32);
const NOTEBOOK = ["---", "params:", "  day: { type: string, default: today }", "---", "", "```sql daily", "select {{ params.day }} as day", "```", ""].join("\n");

describe.each(cases)("webhook sensors on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: LocalQueue;
  let dir: string;
  let workspaceId: string;
  let runs: RunTriggers;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-sensors-"));
    await writeFile(path.join(dir, "daily.md"), NOTEBOOK);
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    runs = new RunTriggers({ db, queue, notebooksDir: dir });
    // The notebook is in the catalog once it has run or synced: a first run makes it so.
    await runs.triggerRun({ workspaceId, notebook: "daily", trigger: "manual" });
  });
  afterEach(async () => {
    await queue.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const now = new Date("2026-03-01T10:00:00Z");
  const send = (secret: string, body: string, at = now, timestamp = Math.floor(at.getTime() / 1000)) =>
    triggerFromSensor(
      { db, key: KEY, runs: async () => runs },
      { workspaceId, slug: "daily", body, now: at, headers: new Headers({ "x-assetbook-timestamp": String(timestamp), "x-assetbook-signature": signatureOf(secret, timestamp, body) }) },
    );
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => "accepted",
      (error: unknown) => (error instanceof Error && "status" in error ? `${String(error.status)} ${error.message}` : error instanceof Error && "kind" in error ? `${error.name} ${String(error.kind)}: ${error.message}` : String(error)),
    );

  it("starts one run per idempotency key, with the params it names", async () => {
    const secret = await sensorSecret(db, KEY, workspaceId, "daily");
    expect(secret).toMatch(/^whsec_/);
    expect(await sensorSecret(db, KEY, workspaceId, "daily")).toBe(secret);
    const body = JSON.stringify({ idempotency_key: "file-2026-03-01.csv@v1", params: { day: "2026-03-01" } });
    const first = await send(secret ?? "", body);
    const again = await send(secret ?? "", body);
    expect(first.created).toBe(true);
    expect(again).toEqual({ runId: first.runId, created: false });
    const other = await send(secret ?? "", JSON.stringify({ idempotency_key: "file-2026-03-02.csv@v1", params: { day: "2026-03-02" } }));
    expect(other.created).toBe(true);
    const sensorRuns = await db.run.findMany({ where: { workspaceId, trigger: "sensor" }, include: { events: true } });
    expect(sensorRuns).toHaveLength(2);
    const logged = sensorRuns.find((run) => run.id === first.runId)?.events.find((event) => event.message === "triggered by sensor");
    expect(logged?.data).toMatchObject({ params: { day: "2026-03-01" } });
  });

  it("refuses what is not signed by the notebook's current secret, stale, or not a request, and starts nothing", async () => {
    const secret = (await sensorSecret(db, KEY, workspaceId, "daily")) ?? "";
    const body = JSON.stringify({ idempotency_key: "k" });
    expect(await refusal(send("whsec_wrong", body))).toMatch(/^401 the signature does not match/);
    expect(await refusal(send(secret, body, now, Math.floor(now.getTime() / 1000) - 301))).toMatch(/^401 /);
    expect(await refusal(triggerFromSensor({ db, key: KEY, runs: async () => runs }, { workspaceId, slug: "daily", body, now, headers: new Headers() }))).toMatch(/^400 sign the request/);
    expect(await refusal(send(secret, "not json"))).toBe("400 the body is not JSON");
    expect(await refusal(send(secret, JSON.stringify({ idempotency_key: "" })))).toMatch(/^400 idempotency_key:/);
    expect(await refusal(send(secret, JSON.stringify({ idempotency_key: "k", extra: 1 })))).toMatch(/^400 /);
    expect(await refusal(send(secret, JSON.stringify({ idempotency_key: "k", params: { nope: "1" } })))).toMatch(/^RunInputError invalid: .*nope/);
    const signed = new Headers({ "x-assetbook-timestamp": String(Math.floor(now.getTime() / 1000)), "x-assetbook-signature": signatureOf(secret, Math.floor(now.getTime() / 1000), body) });
    expect(await refusal(triggerFromSensor({ db, key: KEY, runs: async () => runs }, { workspaceId, slug: "nowhere", body, now, headers: signed }))).toMatch(/^404 /);
    const rotated = (await rotateSensorSecret(db, KEY, workspaceId, "daily")) ?? "";
    expect(rotated).not.toBe(secret);
    expect(await refusal(send(secret, body))).toMatch(/^401 /);
    expect(await db.run.count({ where: { workspaceId, trigger: "sensor" } })).toBe(0);
    expect((await send(rotated, body)).created).toBe(true);
  });
});
