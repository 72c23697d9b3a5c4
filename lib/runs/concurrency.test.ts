// Concurrency slots on each catalog store (embedded PGlite; PostgreSQL when TEST_DATABASE_URL
// is set): pools from the notebook, all-or-nothing acquire, idempotent re-acquire, slots of
// ended runs not counted, waiting that logs once and stops on cancel or abort.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordRun, setRunStatus, type CatalogDb } from "../catalog";
import { setConcurrencyLimit } from "../catalog/concurrency-limits";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { findAssetCell, formatIssue } from "../notebook";
import { parseNotebook } from "../notebook/parse";
import type { RunStatus } from "../catalog";
import { assetPools, releaseEndedRun, releaseSlots, runPools, tryAcquireSlots, waitForSlots, RUN_HOLDER, type Pool } from "./concurrency";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

describe("pools of a run and of an asset", () => {
  it("reads the front matter's and the cell's tags and concurrency", () => {
    const parsed = parseNotebook(
      ["---", "title: T", "tags: [heavy, nightly, heavy]", "concurrency: 2", "---", "", "```sql big", "-- tags: heavy", "-- concurrency: 1", "select 1 as x", "```", "", "```sql small", "select 2 as y", "```", ""].join("\n"),
      "nb.md",
    );
    if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
    expect(runPools("nb", parsed.notebook.frontMatter)).toEqual([{ name: "workspace" }, { name: "notebook:nb", limit: 2 }, { name: "tag:heavy" }, { name: "tag:nightly" }]);
    const big = findAssetCell(parsed.notebook, "big");
    const small = findAssetCell(parsed.notebook, "small");
    if (!big || !small) throw new Error("cells missing");
    expect(assetPools(big)).toEqual([{ name: "asset:big", limit: 1 }, { name: "tag:heavy" }]);
    expect(assetPools(small)).toEqual([]);
    expect(runPools("plain", {})).toEqual([{ name: "workspace" }]);
  });
});

describe.each(cases)("concurrency slots on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let workspaceId: string;

  let counter = 0;

  beforeAll(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
  });
  beforeEach(async () => {
    counter += 1;
    workspaceId = (await db.workspace.create({ data: { slug: `w${counter}`, name: "W" } })).id;
  });
  afterAll(async () => {
    await opened.store.close();
    await opened.cleanup();
  });

  async function run(status: RunStatus = "queued"): Promise<string> {
    const created = await recordRun(db, { workspaceId, environment: "production", selection: [] });
    if (status !== "queued") await setRunStatus(db, created.id, "running");
    if (status !== "queued" && status !== "running") await setRunStatus(db, created.id, status);
    return created.id;
  }
  const acquire = (runId: string, pools: Pool[], holder = RUN_HOLDER) => tryAcquireSlots(db, { workspaceId, runId, holder, pools });
  const limit = (l: Parameters<typeof setConcurrencyLimit>[1]["limit"]) => setConcurrencyLimit(db, { workspaceId, actorId: null, limit: l });
  const rows = (runId: string) => db.concurrencySlot.findMany({ where: { runId }, orderBy: { pool: "asc" }, select: { pool: true, holder: true } });

  it("admits up to the workspace limit, then names the full pool; pools without a limit take no slot", async () => {
    await limit({ scope: "workspace", limit: 2 });
    const [a, b, c] = [await run(), await run("running"), await run()];
    const pools = [{ name: "workspace" }, { name: "notebook:nb" }, { name: "tag:untagged" }];
    expect(await acquire(a, pools)).toEqual({ status: "acquired" });
    expect(await acquire(b, pools)).toEqual({ status: "acquired" });
    expect(await acquire(c, pools)).toEqual({ status: "full", pool: "workspace", inUse: 2, limit: 2 });
    expect(await rows(c)).toEqual([]);
    expect(await rows(a)).toEqual([{ pool: "workspace", holder: "run" }]);
  });

  it("re-acquiring what a run holds succeeds without a second slot (a resumed run keeps its place)", async () => {
    await limit({ scope: "workspace", limit: 1 });
    const a = await run("running");
    expect(await acquire(a, [{ name: "workspace" }])).toEqual({ status: "acquired" });
    expect(await acquire(a, [{ name: "workspace" }])).toEqual({ status: "acquired" });
    expect(await rows(a)).toEqual([{ pool: "workspace", holder: "run" }]);
    // A run counts once in a pool: its asset may take the tag the run already holds.
    await limit({ scope: "tag", tag: "heavy", limit: 1 });
    expect(await acquire(a, [{ name: "tag:heavy" }])).toEqual({ status: "acquired" });
    expect(await acquire(a, [{ name: "asset:x", limit: 1 }, { name: "tag:heavy" }], "x")).toEqual({ status: "acquired" });
    expect(await acquire(await run(), [{ name: "tag:heavy" }])).toMatchObject({ status: "full", pool: "tag:heavy", inUse: 1 });
  });

  it("is all or nothing: a full tag leaves the workspace slot free", async () => {
    await limit({ scope: "workspace", limit: 5 });
    await limit({ scope: "tag", tag: "heavy", limit: 1 });
    const [a, b, c] = [await run(), await run(), await run()];
    expect(await acquire(a, [{ name: "workspace" }, { name: "tag:heavy" }])).toEqual({ status: "acquired" });
    expect(await acquire(b, [{ name: "workspace" }, { name: "tag:heavy" }])).toEqual({ status: "full", pool: "tag:heavy", inUse: 1, limit: 1 });
    expect(await rows(b)).toEqual([]);
    expect(await acquire(c, [{ name: "workspace" }])).toEqual({ status: "acquired" });
    expect(await db.concurrencySlot.count({ where: { workspaceId, pool: "workspace" } })).toBe(2);
  });

  it("takes notebook and asset limits from the request", async () => {
    const [a, b] = [await run(), await run()];
    expect(await acquire(a, [{ name: "asset:big", limit: 1 }], "big")).toEqual({ status: "acquired" });
    expect(await acquire(b, [{ name: "asset:big", limit: 1 }], "big")).toEqual({ status: "full", pool: "asset:big", inUse: 1, limit: 1 });
    await releaseSlots(db, a, "big");
    expect(await acquire(b, [{ name: "asset:big", limit: 1 }], "big")).toEqual({ status: "acquired" });
  });

  it("does not count slots of ended runs, and deletes them; a crashed worker's live run still counts", async () => {
    await limit({ scope: "workspace", limit: 1 });
    const crashed = await run("running");
    expect(await acquire(crashed, [{ name: "workspace" }])).toEqual({ status: "acquired" });
    const next = await run();
    expect(await acquire(next, [{ name: "workspace" }])).toMatchObject({ status: "full", inUse: 1 });
    await setRunStatus(db, crashed, "cancelled");
    expect(await acquire(next, [{ name: "workspace" }])).toEqual({ status: "acquired" });
    expect(await rows(crashed)).toEqual([]);
    // Release at the end of a run: nothing while it is live, everything once it ended.
    await setRunStatus(db, next, "running");
    await releaseEndedRun(db, next);
    expect(await rows(next)).toHaveLength(1);
    await setRunStatus(db, next, "succeeded");
    await releaseEndedRun(db, next);
    expect(await rows(next)).toEqual([]);
  });

  it("refuses a run that is no longer queued or running", async () => {
    expect(await acquire(await run("cancelled"), [{ name: "workspace" }])).toEqual({ status: "finished" });
    expect(await acquire("no-such-run", [{ name: "workspace" }])).toEqual({ status: "finished" });
  });

  it("concurrent acquirers never exceed the limit", async () => {
    await limit({ scope: "workspace", limit: 3 });
    await limit({ scope: "tag", tag: "heavy", limit: 2 });
    const runs = await Promise.all(Array.from({ length: 24 }, () => run()));
    const results = await Promise.all(runs.map((r, i) => acquire(r, [{ name: "workspace" }, ...(i % 2 === 0 ? [{ name: "tag:heavy" }] : [])])));
    expect(results.filter((r) => r.status === "acquired").length).toBe(3);
    expect(await db.concurrencySlot.count({ where: { workspaceId, pool: "workspace" } })).toBe(3);
    expect(await db.concurrencySlot.count({ where: { workspaceId, pool: "tag:heavy" } })).toBeLessThanOrEqual(2);
  });

  it("waits with one event at the start and one at the end, and stops on cancel or abort", async () => {
    await limit({ scope: "workspace", limit: 1 });
    const holder = await run("running");
    await acquire(holder, [{ name: "workspace" }]);
    const waiter = await run();
    const events: string[] = [];
    const options = {
      polling: { minMs: 5, maxMs: 20 },
      onWaiting: async (full: { pool: string; inUse: number; limit: number }) => void events.push(`waiting ${full.pool} ${full.inUse}/${full.limit}`),
      onAcquired: async () => void events.push("acquired"),
    };
    const waiting = waitForSlots(db, { workspaceId, runId: waiter, holder: RUN_HOLDER, pools: [{ name: "workspace" }] }, { ...options, signal: new AbortController().signal });
    while (events.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 60)); // several more tries, still one event
    await setRunStatus(db, holder, "succeeded");
    expect(await waiting).toBe("acquired");
    expect(events).toEqual(["waiting workspace 1/1", "acquired"]);

    const cancelled = await run();
    const stop = waitForSlots(db, { workspaceId, runId: cancelled, holder: RUN_HOLDER, pools: [{ name: "workspace" }] }, { ...options, signal: new AbortController().signal });
    await setRunStatus(db, cancelled, "cancelled");
    expect(await stop).toBe("finished");

    const controller = new AbortController();
    const aborted = waitForSlots(db, { workspaceId, runId: await run(), holder: RUN_HOLDER, pools: [{ name: "workspace" }] }, { ...options, signal: controller.signal });
    controller.abort("the worker is stopping");
    expect(await aborted).toBe("aborted");
  });
});
