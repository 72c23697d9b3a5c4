// Workspace concurrency settings on each store (embedded PGlite; PostgreSQL when
// TEST_DATABASE_URL is set): set, list with the current use, delete, audit, bad input.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { listAudit } from "./audit";
import { deleteConcurrencyLimit, listConcurrencyLimits, setConcurrencyLimit } from "./concurrency-limits";
import { recordRun, setRunStatus } from "./runs";
import type { CatalogDb } from "./store";
import { storeCases, type OpenedStore } from "./test-stores";

const { cases, postgresMissingInCi, postgresSkipped } = storeCases();
if (postgresMissingInCi) throw new Error(postgresMissingInCi);
if (postgresSkipped) console.warn(postgresSkipped);

describe.each(cases)("concurrency limits on the $name store", (storeCase) => {
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

  async function runHolding(pools: string[], holders: string[] = ["run"], end?: "succeeded"): Promise<void> {
    const run = await recordRun(db, { workspaceId, environment: "production", selection: [] });
    await setRunStatus(db, run.id, "running");
    if (end) await setRunStatus(db, run.id, end);
    await db.concurrencySlot.createMany({ data: pools.flatMap((pool) => holders.map((holder) => ({ workspaceId, runId: run.id, pool, holder }))) });
  }

  it("lists the workspace limit, then tags by name, each with the runs holding it now", async () => {
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "light", limit: 4 } });
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "heavy", limit: 2 } });
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "workspace", limit: 3 } });
    await runHolding(["workspace", "tag:heavy"], ["run", "big_asset"]); // one run, two holders: counted once
    await runHolding(["workspace"]);
    await runHolding(["workspace", "tag:heavy"], ["run"], "succeeded"); // ended: does not count
    expect(await listConcurrencyLimits(db, workspaceId)).toEqual([
      { scope: "workspace", name: "", pool: "workspace", limit: 3, inUse: 2 },
      { scope: "tag", name: "heavy", pool: "tag:heavy", limit: 2, inUse: 1 },
      { scope: "tag", name: "light", pool: "tag:light", limit: 4, inUse: 0 },
    ]);
  });

  it("replaces a limit, deletes it once, and audits both", async () => {
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "heavy", limit: 2 } });
    await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "heavy", limit: 5 } });
    expect((await listConcurrencyLimits(db, workspaceId)).map((l) => [l.pool, l.limit])).toEqual([["tag:heavy", 5]]);
    expect(await deleteConcurrencyLimit(db, { workspaceId, actorId: null, target: { scope: "tag", tag: "heavy" } })).toBe(true);
    expect(await deleteConcurrencyLimit(db, { workspaceId, actorId: null, target: { scope: "tag", tag: "heavy" } })).toBe(false);
    expect(await listConcurrencyLimits(db, workspaceId)).toEqual([]);
    const audit = (await listAudit(db, workspaceId)).map((a) => [a.action, a.targetId, a.data]).reverse();
    expect(audit).toEqual([
      ["concurrency_limit.set", "tag:heavy", { limit: 2 }],
      ["concurrency_limit.set", "tag:heavy", { limit: 5 }],
      ["concurrency_limit.delete", "tag:heavy", null],
    ]);
  });

  it("refuses a bad limit or tag, naming the field, and changes nothing", async () => {
    const bad: Parameters<typeof setConcurrencyLimit>[1]["limit"][] = [
      { scope: "workspace", limit: 0 },
      { scope: "workspace", limit: 1.5 },
      { scope: "tag", tag: "heavy", limit: -1 },
      { scope: "tag", tag: "not ok", limit: 1 },
      { scope: "tag", tag: "", limit: 1 },
    ];
    for (const limit of bad) {
      const error: unknown = await setConcurrencyLimit(db, { workspaceId, actorId: null, limit }).catch((e: unknown) => e);
      expect(error, JSON.stringify(limit)).toBeInstanceOf(ZodError);
    }
    const error = await setConcurrencyLimit(db, { workspaceId, actorId: null, limit: { scope: "tag", tag: "not ok", limit: 1 } }).catch((e: unknown) => e);
    expect(error instanceof ZodError ? error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) : []).toEqual(["tag: a tag is letters, digits, _ . : -"]);
    expect(await db.concurrencyLimit.count({ where: { workspaceId } })).toBe(0);
    expect(await listAudit(db, workspaceId)).toEqual([]);
  });
});
