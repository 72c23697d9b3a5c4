// What the partitions grid and the backfill form read: a notebook's partition keys from its
// latest catalog version, and each key's state from its runs (a success is final; otherwise
// the newest run speaks).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importNotebookVersion, recordRun, setRunStatus, type CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { backfillProgress, notebookPartitionKeys, partitionStates } from "./backfill";

const DAILY = ["---", 'partitions: { type: daily, start: "2024-01-01", timezone: Europe/Paris }', "---", "", "```sql t", "select 1 as x", "```", ""].join("\n");
const PLAIN = ["```sql t", "select 1 as x", "```", ""].join("\n");

const { cases } = storeCases();

describe.each(cases)("partition states on the $name store", (storeCase) => {
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

  async function run(notebookId: string, partition: string, status: "succeeded" | "failed" | "running" | null) {
    const r = await recordRun(db, { workspaceId, environment: "production", selection: [], notebookId, trigger: "backfill", partitions: [partition] });
    if (status === null) return r.id;
    await setRunStatus(db, r.id, "running");
    if (status !== "running") await setRunStatus(db, r.id, status);
    return r.id;
  }

  it("lists the keys of the latest version and the state deciding each one", async () => {
    const { version } = await importNotebookVersion(db, { workspaceId, slug: "daily", text: DAILY, authorId: null });
    const { notebookId } = version;
    await importNotebookVersion(db, { workspaceId, slug: "plain", text: PLAIN, authorId: null });

    expect(await notebookPartitionKeys(db, workspaceId, "plain", new Date())).toBeNull();
    expect(await notebookPartitionKeys(db, workspaceId, "missing", new Date())).toBeNull();
    const found = await notebookPartitionKeys(db, workspaceId, "daily", new Date("2024-01-05T12:00:00Z"));
    expect(found?.keys).toEqual(["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]);
    const keys = found?.keys ?? [];

    const firstOk = await run(notebookId, "2024-01-01", "succeeded");
    await run(notebookId, "2024-01-01", "failed"); // after a success: the success stays
    await run(notebookId, "2024-01-02", "failed");
    const retried = await run(notebookId, "2024-01-02", "running"); // the newest speaks
    const failed = await run(notebookId, "2024-01-03", "failed");
    const queued = await run(notebookId, "2024-01-04", null);

    expect(await partitionStates(db, workspaceId, "daily", keys)).toEqual([
      { key: "2024-01-01", status: "succeeded", runId: firstOk },
      { key: "2024-01-02", status: "running", runId: retried },
      { key: "2024-01-03", status: "failed", runId: failed },
      { key: "2024-01-04", status: "queued", runId: queued },
      { key: "2024-01-05", status: "never", runId: null },
    ]);
    expect(await backfillProgress(db, workspaceId, "daily", keys)).toEqual({ total: 5, succeeded: 1, failed: 1, running: 1, queued: 1, cancelled: 0, neverRun: 1 });
  });
});
