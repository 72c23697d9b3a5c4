// The run pages' views: the per-asset timeline folded from events (retries, skips, a run
// that ends under a running attempt), and listing/detail/polling on a real catalog store.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendRunLog, importNotebookVersion, recordRun, setRunStatus, type CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { assetTimeline, listRuns, runDetail, runsPage, runEventsAfter } from "./views";

const at = (s: number) => new Date(Date.UTC(2025, 0, 1, 0, 0, s));
const ev = (asset: string | null, data: Record<string, unknown>, s: number, message = "") => ({ asset, data, at: at(s), message });

describe("assetTimeline", () => {
  it("records each attempt, the retry and the final rows and total duration", () => {
    const timeline = assetTimeline(
      [
        ev(null, { status: "running" }, 0),
        ev("a", { event: "attempt_started", attempt: 1 }, 1),
        ev("a", { event: "attempt_failed", attempt: 1, error: "boom", durationMs: 10 }, 2, "attempt 1 failed: boom"),
        ev("a", { event: "retry_scheduled", attempt: 2, delayMs: 5 }, 2),
        ev("a", { event: "attempt_started", attempt: 2 }, 3),
        ev("a", { event: "attempt_succeeded", attempt: 2, rows: 7, durationMs: 30, checks: { passed: 3, total: 3 }, note: "loaded record by record: a partition's rows are tagged page by page" }, 4),
        ev("b", { event: "asset_skipped", reason: 'upstream "x" did not succeed' }, 5),
      ],
      "succeeded",
    );
    expect(timeline.map((a) => [a.name, a.state, a.rows, a.durationMs, a.note])).toEqual([
      ["a", "succeeded", 7, 40, "loaded record by record: a partition's rows are tagged page by page"],
      ["b", "skipped", null, null, null],
    ]);
    expect(timeline[0]?.attempts.map((x) => [x.attempt, x.status, x.error])).toEqual([
      [1, "failed", "boom"],
      [2, "succeeded", null],
    ]);
    expect(timeline[1]?.reason).toBe('upstream "x" did not succeed');
    // Passing checks count too, not only failures.
    expect(timeline.map((a) => a.checks)).toEqual([{ passed: 3, total: 3 }, null]);
  });

  it("shows a running asset while the run runs, and stops it when the run is cancelled", () => {
    const events = [ev("a", { event: "attempt_started", attempt: 1 }, 1)];
    expect(assetTimeline(events, "running")[0]?.state).toBe("running");
    const cancelled = assetTimeline(events, "cancelled")[0];
    expect(cancelled?.state).toBe("cancelled");
    expect(cancelled?.attempts[0]?.status).toBe("stopped");
  });
});

const { cases } = storeCases();

describe.each(cases)("run views on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let workspaceId: string;

  beforeEach(async () => {
    opened = await storeCase.open();
    db = opened.store.db;
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
  });
  afterEach(async () => {
    await opened.store.close();
    await opened.cleanup();
  });

  it("lists runs by status and notebook, and details one run's assets; other workspaces see nothing", async () => {
    const shop = await importNotebookVersion(db, { workspaceId, slug: "shop", text: "---\ntitle: S\n---\n", authorId: null });
    const rides = await importNotebookVersion(db, { workspaceId, slug: "rides", text: "---\ntitle: R\n---\n", authorId: null });
    const a = await recordRun(db, { workspaceId, environment: "production", selection: [], notebookId: shop.version.notebookId });
    const b = await recordRun(db, { workspaceId, environment: "production", selection: [], notebookId: rides.version.notebookId });
    await setRunStatus(db, a.id, "running");
    await appendRunLog(db, a.id, { message: "attempt 1 started", asset: "orders", data: { event: "attempt_started", attempt: 1 } });
    await appendRunLog(db, a.id, { message: "attempt 1 succeeded: 3 rows", asset: "orders", data: { event: "attempt_succeeded", attempt: 1, rows: 3, durationMs: 12 } });
    await setRunStatus(db, a.id, "succeeded");

    expect((await listRuns(db, workspaceId)).map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect((await listRuns(db, workspaceId, { status: "succeeded" })).map((r) => [r.id, r.notebook])).toEqual([[a.id, "shop"]]);
    expect((await listRuns(db, workspaceId, { notebook: "rides" })).map((r) => r.id)).toEqual([b.id]);
    // Pages of one run: the newest first, then the one before it, then none.
    const [newest, older] = await listRuns(db, workspaceId);
    expect(await listRuns(db, workspaceId, {}, 1)).toEqual([newest]);
    expect((await listRuns(db, workspaceId, { before: newest?.id }, 1)).map((r) => r.id)).toEqual([older?.id]);
    expect(await listRuns(db, workspaceId, { before: older?.id }, 1)).toEqual([]);
    expect(await listRuns(db, workspaceId, { before: "00000000-0000-0000-0000-000000000000" })).toEqual([]);
    expect(await runsPage(db, workspaceId, {}, 1)).toEqual({ runs: [newest], older: newest?.id });
    expect(await runsPage(db, workspaceId, { before: newest?.id }, 1)).toEqual({ runs: [older] });

    const detail = await runDetail(db, workspaceId, a.id);
    expect(detail?.finished).toBe(true);
    expect(detail?.assets.map((x) => [x.name, x.state, x.rows])).toEqual([["orders", "succeeded", 3]]);
    expect(detail?.events.map((e) => e.message)).toEqual(["queued", "running", "attempt 1 started", "attempt 1 succeeded: 3 rows", "succeeded"]);

    const third = detail?.events[2]?.id ?? "";
    const after = await runEventsAfter(db, workspaceId, a.id, BigInt(third));
    expect(after?.events.map((e) => e.message)).toEqual(["attempt 1 succeeded: 3 rows", "succeeded"]);

    const other = (await db.workspace.create({ data: { slug: "o", name: "O" } })).id;
    expect(await runDetail(db, other, a.id)).toBeNull();
    expect(await runEventsAfter(db, other, a.id)).toBeNull();
    expect(await listRuns(db, other)).toEqual([]);
  });
});
