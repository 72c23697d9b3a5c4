// The `sync_branch` job over the catalog (PGlite) and DuckDB: each commit's outcome is
// recorded, the catalog follows production, and an asset names the commit its production
// version came from; the credential reaches git only through its environment.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CatalogDb } from "../catalog";
import { storeCases, type OpenedStore } from "../catalog/test-stores";
import { git } from "../git";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { ensureLifecycleTables } from "../lifecycle/store";
import { productionSourceOf } from "../reviews/store";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { randomBytes } from "node:crypto";
import { AlertService } from "../alerts/service";
import { saveRule } from "../alerts/store";
import { openLocalQueue } from "../queue/local";
import { prismaSqlClient } from "../runs/prisma-sql";
import { credentialEnv, runBranchSync } from "./job";

const [embedded] = storeCases().cases;
if (embedded === undefined) throw new Error("no embedded store case");
const AUTHOR = { GIT_AUTHOR_NAME: "CI", GIT_AUTHOR_EMAIL: "ci@example.com", GIT_COMMITTER_NAME: "CI", GIT_COMMITTER_EMAIL: "ci@example.com" };
const SHOP = (rows: string) => `---
title: Shop
---

\`\`\`sql items
-- checks: unique(id)
select * from (values ${rows}) t(id, amount)
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe("the sync_branch job", () => {
  let opened: OpenedStore;
  let db: CatalogDb;
  let warehouse: Warehouse;
  let dir: string;
  let work: string;
  let workspaceId: string;

  beforeEach(async () => {
    opened = await embedded.open();
    db = opened.store.db;
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-syncjob-"));
    await git(dir, ["init", "--bare", "--initial-branch=main", path.join(dir, "remote.git")]);
    await git(dir, ["clone", `file://${path.join(dir, "remote.git")}`, "work"]);
    work = path.join(dir, "work");
    await mkdir(path.join(work, "pipelines"));
    warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    await ensureLifecycleTables(warehouse);
    workspaceId = (await db.workspace.create({ data: { slug: "w", name: "W" } })).id;
  });
  afterEach(async () => {
    await warehouse.close();
    await opened.store.close();
    await opened.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  async function push(text: string): Promise<string> {
    await writeFile(path.join(work, "pipelines", "shop.md"), text);
    await git(work, ["add", "-A"]);
    await git(work, ["commit", "-m", "change"], AUTHOR);
    await git(work, ["push", "--quiet", "origin", "main"]);
    return (await git(work, ["rev-parse", "HEAD"])).trim();
  }
  const sync = (alerts?: AlertService) =>
    runBranchSync({
      ...(alerts ? { alerts } : {}),
      db,
      workspaceId,
      notebooksDir: path.join(dir, "unused-working-copies"),
      parser,
      git: { remote: `file://${path.join(dir, "remote.git")}`, branch: "main", folder: "pipelines", credential: null, pollMs: 60_000, webhookSecret: null },
      stateDir: path.join(dir, "state"),
      openWarehouse: async () => ({ warehouse, release: async () => undefined }),
      credential: async () => null,
    });

  it("records each commit, and the catalog names the commit of each production version", async () => {
    const good = await push(SHOP("(1, 10), (2, 20)"));
    expect((await sync()).outcomes.map((o) => o.status)).toEqual(["promoted"]);
    expect(await db.gitCommit.findMany({ where: { workspaceId }, select: { sha: true, status: true } })).toEqual([{ sha: good, status: "promoted" }]);
    expect(await productionSourceOf(db, workspaceId, "items")).toMatchObject({ review: null, commit: good });

    const bad = await push(SHOP("(1, 10), (1, 20)"));
    expect((await sync()).outcomes.map((o) => o.status)).toEqual(["failed"]);
    const failed = await db.gitCommit.findUnique({ where: { workspaceId_sha: { workspaceId, sha: bad } } });
    expect(failed).toMatchObject({ status: "failed", promotionId: null, reason: expect.stringContaining("unique(id)") });
    expect(await productionSourceOf(db, workspaceId, "items")).toMatchObject({ commit: good });
    // A failed commit is not built again on the next poll.
    expect((await sync()).outcomes).toEqual([]);
  });

  it("a commit that cannot be promoted raises branch_sync_failed to the rules that ask for it; the next promoted commit resolves it", async () => {
    const queue = await openLocalQueue(prismaSqlClient(db));
    try {
      const alerts = new AlertService({ db, queue, key: randomBytes(32), baseUrl: null, outbound: { allowLoopback: true, allowPrivate: false }, smtp: null, envSecrets: [], env: {} });
      const rule = await saveRule(db, workspaceId, { name: "git", scope: { kind: "workspace" }, events: ["branch_sync_failed"], destination: { type: "inbox" } });
      const incidents = () => db.alertIncident.findMany({ where: { ruleId: rule.id }, select: { dedupKey: true, resolvedAt: true } });
      await push(SHOP("(1, 10)"));
      await sync(alerts);
      expect(await incidents()).toEqual([]);
      await push(SHOP("(1, 10), (1, 20)"));
      expect((await sync(alerts)).outcomes.map((o) => o.status)).toEqual(["failed"]);
      expect(await incidents()).toEqual([{ dedupKey: "branch_sync_failed:main", resolvedAt: null }]);
      const [delivery] = await db.alertDelivery.findMany({ where: { ruleId: rule.id } });
      expect(JSON.stringify(delivery?.payload)).toMatch(/unique\(id\)/);
      await push(SHOP("(1, 10), (2, 20)"));
      expect((await sync(alerts)).outcomes.map((o) => o.status)).toEqual(["promoted"]);
      expect(await incidents()).toEqual([{ dedupKey: "branch_sync_failed:main", resolvedAt: expect.any(Date) }]);
    } finally {
      await queue.close();
    }
  });

  it("gives git the credential as an HTTP header from the environment, never in an argument or URL", () => {
    expect(credentialEnv(null)).toEqual({});
    const env = credentialEnv("tok3n-value");
    expect(env).toEqual({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from("assetbook:tok3n-value").toString("base64")}` });
  });
});
