// Freshness policies evaluated over the catalog under a fake clock, on every store: the
// state, its history, one event per change with two evaluators at once, and a policy removed.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { assetFreshness, evaluateFreshnessStates } from "./freshness-states";
import { recordMaterialization } from "./materializations";
import type { CatalogStore } from "./store";
import { syncNotebookFiles } from "./sync-notebooks";
import { storeCases, type OpenedStore } from "./test-stores";
import { assetDetail, catalogPage, workspaceLineage } from "./views";
import { ensureWorkspace } from "./workspaces";

const { cases, postgresMissingInCi } = storeCases();
if (postgresMissingInCi) {
  test("PostgreSQL store is tested in CI", () => {
    throw new Error(postgresMissingInCi);
  });
}

const NOTEBOOK = `---
title: Orders
---

\`\`\`sql orders
-- freshness: { max_lag: 6h, warn_lag: 4h }
select 1 as id
\`\`\`

\`\`\`sql by_nine
-- freshness: { max_lag: 1h, cron: "0 9 * * *", timezone: Europe/Berlin }
select * from orders
\`\`\`

\`\`\`sql untracked
select * from orders
\`\`\`
`;

const at = (iso: string) => new Date(iso);

describe.each(cases)("freshness states on the $name store", (storeCase) => {
  let opened: OpenedStore;
  let store: CatalogStore;
  let workspaceId: string;
  let dir: string;
  let parser: NodeSqlReferenceParser;

  const sync = async (text: string) => {
    await writeFile(path.join(dir, "orders.md"), text);
    const result = await syncNotebookFiles(store.db, workspaceId, dir, parser);
    expect(result.problems).toEqual([]);
  };
  const idOf = async (name: string) => (await store.db.asset.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId, name } } })).id;
  const succeeded = async (name: string, createdAt: Date) =>
    recordMaterialization(store.db, { assetId: await idOf(name), environment: "production", status: "succeeded", rows: 1, durationMs: 1, createdAt });
  const changes = async (now: string) =>
    (await evaluateFreshnessStates(store.db, workspaceId, at(now))).map((c) => `${c.asset}: ${c.previous ?? "-"} -> ${c.state} since ${c.since.toISOString()}`).sort();

  beforeAll(async () => {
    opened = await storeCase.open();
    store = opened.store;
    workspaceId = (await ensureWorkspace(store.db)).id;
    parser = await NodeSqlReferenceParser.create();
    dir = await mkdtemp(path.join(tmpdir(), "assetbook-freshness-"));
    await sync(NOTEBOOK);
  });
  afterAll(async () => {
    parser?.close();
    await store?.close();
    await opened?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test("records each change of state once, with when it began, and keeps the history", async () => {
    // Winter in Berlin: 09:00 local is 08:00 UTC.
    await succeeded("orders", at("2026-02-10T07:30:00Z"));
    await succeeded("by_nine", at("2026-02-10T07:30:00Z"));
    await succeeded("untracked", at("2026-01-01T00:00:00Z"));
    expect(await changes("2026-02-10T08:00:00Z")).toEqual([
      "by_nine: - -> fresh since 2026-02-10T07:30:00.000Z",
      "orders: - -> fresh since 2026-02-10T07:30:00.000Z",
    ]);
    expect(await changes("2026-02-10T09:00:00Z")).toEqual([]);
    expect(await changes("2026-02-10T11:31:00Z")).toEqual(["orders: fresh -> late since 2026-02-10T11:30:00.000Z"]);
    expect(await changes("2026-02-10T13:31:00Z")).toEqual(["orders: late -> overdue since 2026-02-10T13:30:00.000Z"]);
    expect(await changes("2026-02-11T07:05:00Z")).toEqual(["by_nine: fresh -> late since 2026-02-11T07:00:00.000Z"]);
    // Two schedulers evaluating the same minute: one records the change.
    const both = await Promise.all([changes("2026-02-11T08:01:00Z"), changes("2026-02-11T08:01:00Z")]);
    expect(both.flat()).toEqual(["by_nine: late -> overdue since 2026-02-11T08:00:00.000Z"]);
    await succeeded("orders", at("2026-02-11T08:30:00Z"));
    expect(await changes("2026-02-11T08:31:00Z")).toEqual(["orders: overdue -> fresh since 2026-02-11T08:30:00.000Z"]);

    const orders = await assetFreshness(store.db, await idOf("orders"));
    expect(orders?.current).toMatchObject({ state: "fresh", since: at("2026-02-11T08:30:00Z"), policy: { max_lag: 21_600, warn_lag: 14_400 } });
    expect(orders?.history.map((e) => `${e.previous ?? "-"} -> ${e.state} at ${e.at.toISOString()}`)).toEqual([
      "overdue -> fresh at 2026-02-11T08:31:00.000Z",
      "late -> overdue at 2026-02-10T13:31:00.000Z",
      "fresh -> late at 2026-02-10T11:31:00.000Z",
      "- -> fresh at 2026-02-10T08:00:00.000Z",
    ]);
    expect(await assetFreshness(store.db, await idOf("untracked"))).toBeNull();
  });

  test("the catalog, the lineage and the asset page show the policy's state", async () => {
    const now = at("2026-02-11T08:32:00Z");
    const page = await catalogPage(store.db, workspaceId, {}, now);
    const byName = Object.fromEntries(page.rows.map((row) => [row.name, row.freshness]));
    expect(byName).toMatchObject({ orders: "fresh", by_nine: "overdue", untracked: "stale" });
    expect((await catalogPage(store.db, workspaceId, { freshness: "overdue" }, now)).rows.map((row) => row.name)).toEqual(["by_nine"]);
    const lineage = await workspaceLineage(store.db, workspaceId, now);
    expect(lineage.nodes.find((node) => node.name === "by_nine")?.freshness).toBe("overdue");
    const detail = await assetDetail(store.db, workspaceId, "by_nine", now);
    expect(detail?.freshness).toBe("overdue");
    expect(detail?.policy?.current.since).toEqual(at("2026-02-11T08:00:00Z"));
  });

  test("a policy removed from the notebook leaves no state", async () => {
    await sync(NOTEBOOK.replace("-- freshness: { max_lag: 6h, warn_lag: 4h }\n", ""));
    expect(await changes("2026-02-11T09:00:00Z")).toEqual([]);
    expect(await assetFreshness(store.db, await idOf("orders"))).toBeNull();
    expect(await assetFreshness(store.db, await idOf("by_nine"))).not.toBeNull();
  });
});
