// How runs wait for concurrency slots, on each store (embedded PGlite; PostgreSQL when
// TEST_DATABASE_URL is set): a run over a limit stays queued and says so once; a cancelled
// waiting run never runs; an asset waits for its own limit while its run keeps running.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { setConcurrencyLimit } from "../catalog/concurrency-limits";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { waitFor } from "../queue/conformance";
import { openLocalQueue } from "../queue/local";
import type { JobQueue, Worker } from "../queue/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import type { MaterializeFn } from "./materialize";
import { prismaSqlClient } from "./prisma-sql";
import { RunService } from "./service";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

const SERIAL = "---\ntitle: Serial\n---\n\n```sql feed\nselect 1 as x\n```\n\n```sql one_at_a_time\n-- concurrency: 1\nselect x from feed\n```\n";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe.each(cases)("waiting for concurrency slots on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let queue: JobQueue;
  let warehouse: Warehouse;
  let dir: string;
  let workspaceId: string;
  let worker: Worker | null = null;
  /** Each materialization, as run:asset. */
  let started: string[] = [];
  /** The first materialization of `asset` waits until release(). */
  let held: { asset: string; runId: string | null; release: () => void; released: Promise<void> } | null = null;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    queue = await openLocalQueue(prismaSqlClient(db));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-slots-"));
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
    await writeFile(path.join(dir, "serial.md"), SERIAL);
    started = [];
    held = null;
  });
  afterEach(async () => {
    held?.release();
    await worker?.stop();
    await queue.close();
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  const seam: MaterializeFn = async (cell, ctx) => {
    started.push(`${ctx.runId}:${cell.name}`);
    if (held !== null && held.asset === cell.name && held.runId === null) {
      held.runId = ctx.runId;
      await held.released;
    }
    return { ok: true, rows: 1, columns: [], checks: [] };
  };
  function holdFirst(asset: string): NonNullable<typeof held> {
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    held = { asset, runId: null, release, released };
    return held;
  }
  function start(concurrency: number): RunService {
    const service = new RunService({
      db,
      queue,
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      notebooksDir: dir,
      parser: async () => parser,
      cancelPollMs: 50,
      slotPolling: { minMs: 10, maxMs: 50 },
      materialize: seam,
    });
    worker = queue.work(service.handlers(), { concurrency, pollIntervalMs: 20, lockTimeoutMs: 30_000, stopGraceMs: 2_000 });
    return service;
  }
  const trigger = async (service: RunService) => (await service.triggerRun({ workspaceId, notebook: "serial", trigger: "manual" })).runId;
  const status = async (runId: string) => (await db.run.findUniqueOrThrow({ where: { id: runId } })).status;
  const slotEvents = async (runId: string) =>
    (await db.runEvent.findMany({ where: { runId, OR: [{ message: { startsWith: "waiting for a slot" } }, { message: "got a slot" }] }, orderBy: { id: "asc" } })).map((e) => [
      e.asset,
      e.message,
    ]);

  it("a run over the workspace limit stays queued, says so once, and starts when the slot frees; a cancelled waiting run never runs", async () => {
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "workspace", limit: 1 } });
    const service = start(3);
    const hold = holdFirst("feed");
    const first = await trigger(service);
    await waitFor("the first run to start", () => hold.runId === first);
    const [second, third] = [await trigger(service), await trigger(service)];
    await waitFor("both to wait", async () => (await slotEvents(second)).length === 1 && (await slotEvents(third)).length === 1);
    expect([await status(first), await status(second), await status(third)]).toEqual(["running", "queued", "queued"]);
    expect(await slotEvents(second)).toEqual([[null, "waiting for a slot: workspace (1 of 1 in use)"]]);

    expect(await service.cancelRun(third)).toBe(true);
    hold.release();
    await waitFor("the runs to end", async () => (await status(first)) === "succeeded" && (await status(second)) === "succeeded");
    expect(await status(third)).toBe("cancelled");
    expect(started.filter((s) => s.startsWith(third))).toEqual([]);
    expect(await slotEvents(second)).toEqual([
      [null, "waiting for a slot: workspace (1 of 1 in use)"],
      [null, "got a slot"],
    ]);
    // The second run started only after the first ended.
    expect(started.indexOf(`${second}:feed`)).toBeGreaterThan(started.indexOf(`${first}:one_at_a_time`));
    await waitFor("the slots to be given back", async () => (await db.concurrencySlot.count()) === 0);
  });

  it("an asset waits for its own concurrency while its run keeps running", async () => {
    const service = start(2);
    const hold = holdFirst("one_at_a_time");
    const first = await trigger(service);
    await waitFor("the first run's limited asset", () => hold.runId === first);
    const second = await trigger(service);
    await waitFor("the second run to wait", async () => (await slotEvents(second)).length === 1);
    expect(await slotEvents(second)).toEqual([["one_at_a_time", "waiting for a slot: asset:one_at_a_time (1 of 1 in use)"]]);
    expect(await status(second)).toBe("running");
    expect(started).toContain(`${second}:feed`);
    expect(started).not.toContain(`${second}:one_at_a_time`);
    hold.release();
    await waitFor("both runs", async () => (await status(first)) === "succeeded" && (await status(second)) === "succeeded");
    expect(await slotEvents(second)).toEqual([
      ["one_at_a_time", "waiting for a slot: asset:one_at_a_time (1 of 1 in use)"],
      ["one_at_a_time", "got a slot"],
    ]);
    await waitFor("the slots to be given back", async () => (await db.concurrencySlot.count()) === 0);
  });
});
