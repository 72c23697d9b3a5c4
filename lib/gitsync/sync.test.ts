// Production following a branch of a real bare repository (file://), on DuckDB: commits are
// promoted in order; a commit whose check fails is recorded and production stays at the one
// before; a kill -9 during a promotion leaves production at a whole commit; credentials
// given to git never come back in an error.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { childScript } from "../../test/child-script";
import { git } from "../git";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { PRODUCTION } from "../lifecycle/layout";
import { ensureLifecycleTables, environments, promotions, servedState } from "../lifecycle/store";
import { warehouseLifecycle } from "../runs/lifecycle-ops";
import { Redactor } from "../secrets";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { commitEnv, fetchBranch, productionCommit, syncBranch, type BranchSource, type CommitOutcome } from "./sync";

const AUTHOR = { GIT_AUTHOR_NAME: "CI", GIT_AUTHOR_EMAIL: "ci@example.com", GIT_COMMITTER_NAME: "CI", GIT_COMMITTER_EMAIL: "ci@example.com" };
const SHOP = (second: number, duplicate = false) => `---
title: Shop
---

\`\`\`sql items
-- checks: unique(id)
select * from (values (1, 10), (2, ${second}), (3, 30)${duplicate ? ", (3, 31)" : ""}) t(id, amount)
\`\`\`

\`\`\`sql total
select sum(amount) as total from items
\`\`\`
`;

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser.close());

describe("production follows a branch", () => {
  let dir: string;
  let remote: string;
  let work: string;
  let source: BranchSource;
  let warehouse: Warehouse;
  let failed: Set<string>;
  let recorded: CommitOutcome[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-gitsync-"));
    remote = path.join(dir, "remote.git");
    await git(dir, ["init", "--bare", "--initial-branch=main", remote]);
    await git(dir, ["clone", `file://${remote}`, "work"]);
    work = path.join(dir, "work");
    await mkdir(path.join(work, "notebooks"));
    source = { remote: `file://${remote}`, branch: "main", folder: "notebooks", mirror: path.join(dir, "mirror") };
    warehouse = await openDuckDbWarehouse({ path: path.join(dir, "warehouse.duckdb") });
    await ensureLifecycleTables(warehouse);
    failed = new Set();
    recorded = [];
  });
  afterEach(async () => {
    await warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function push(message: string, text: string): Promise<string> {
    await writeFile(path.join(work, "notebooks", "shop.md"), text);
    await git(work, ["add", "-A"]);
    await git(work, ["commit", "-m", message], AUTHOR);
    await git(work, ["push", "--quiet", "origin", "main"]);
    return (await git(work, ["rev-parse", "HEAD"])).trim();
  }
  const sync = () =>
    syncBranch({
      source,
      ops: warehouseLifecycle({ warehouse, parser }),
      warehouse,
      failedBefore: async (sha) => failed.has(sha),
      record: async (outcome) => {
        recorded.push(outcome);
        if (outcome.status === "failed") failed.add(outcome.sha);
      },
    });
  const amounts = async () => (await warehouse.query("select amount from items order by id")).map((row) => Number(row.amount));

  it("promotes each new commit in order, and production is the branch's head", async () => {
    const c1 = await push("first", SHOP(20));
    const c2 = await push("second", SHOP(25));
    const c3 = await push("third", SHOP(26));
    const result = await sync();
    expect(result).toMatchObject({ head: c3, from: null });
    // Production came from nowhere on this branch: its head is built, once.
    expect(result.outcomes.map((o) => [o.sha, o.status])).toEqual([[c3, "promoted"]]);
    expect(await productionCommit({ warehouse, source })).toBe(c3);

    const c4 = await push("fourth", SHOP(27));
    const c5 = await push("fifth", SHOP(28));
    const c6 = await push("sixth", SHOP(29));
    const next = await sync();
    expect(next.from).toBe(c3);
    expect(next.outcomes.map((o) => [o.sha, o.status])).toEqual([
      [c4, "promoted"],
      [c5, "promoted"],
      [c6, "promoted"],
    ]);
    expect((await promotions(warehouse)).map((p) => p.env)).toEqual([c6, c5, c4, c3].map(commitEnv));
    expect(await amounts()).toEqual([10, 29, 30]);
    expect((await servedState(warehouse, PRODUCTION)).notebooks.shop).toBe(SHOP(29));
    // Nothing new: nothing built; the commit environments are gone.
    expect((await sync()).outcomes).toEqual([]);
    expect(await environments(warehouse)).toEqual([]);
    expect([c1, c2].every((sha) => !recorded.some((o) => o.sha === sha))).toBe(true);
  });

  it("does not promote a commit whose check fails; production stays at the commit before", async () => {
    const good = await push("good", SHOP(20));
    await sync();
    const bad = await push("duplicate id", SHOP(21, true));
    const result = await sync();
    expect(result.outcomes).toEqual([{ sha: bad, status: "failed", reason: expect.stringMatching(/^items: failed: .*unique\(id\)/) }]);
    expect(await productionCommit({ warehouse, source })).toBe(good);
    expect(await amounts()).toEqual([10, 20, 30]);
    // It is not built again on every sync; the next good commit goes through.
    expect((await sync()).outcomes).toEqual([]);
    const fixed = await push("fixed", SHOP(22));
    expect((await sync()).outcomes.map((o) => [o.sha, o.status])).toEqual([[fixed, "promoted"]]);
    expect(await amounts()).toEqual([10, 22, 30]);
  });

  it("leaves production at a whole commit when killed with -9 in the middle of a promotion", async () => {
    const first = await push("first", SHOP(20));
    await sync();
    await push("second", SHOP(40));
    await warehouse.close();
    const script = await childScript(path.join(import.meta.dirname, "test-child.ts"));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [script], {
        env: { ...process.env, ASSETBOOK_SYNC_DB: path.join(dir, "warehouse.duckdb"), ASSETBOOK_SYNC_REMOTE: source.remote, ASSETBOOK_SYNC_MIRROR: source.mirror, ASSETBOOK_PROMOTE_CRASH_AT: "before_commit" },
        stdio: "ignore",
      });
      child.on("exit", (exitCode, signal) => resolve(signal === "SIGKILL" ? -9 : exitCode));
    });
    expect(code).toBe(-9);
    warehouse = await openDuckDbWarehouse({ path: path.join(dir, "warehouse.duckdb") });
    expect(await productionCommit({ warehouse, source })).toBe(first);
    expect(await amounts()).toEqual([10, 20, 30]);
    // The next sync finishes the job.
    const result = await sync();
    expect(result.outcomes.map((o) => o.status)).toEqual(["promoted"]);
    expect(await amounts()).toEqual([10, 40, 30]);
  }, 60_000);

  it("never lets a credential given to git come back in an error", async () => {
    const token = "s3cr3t-branch-token-value";
    // An HTTP remote that refuses everyone, echoing nothing it was sent.
    const server = http.createServer((_, res) => {
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const redactor = new Redactor();
    redactor.add(token);
    const header = `Authorization: Basic ${Buffer.from(`assetbook:${token}`).toString("base64")}`;
    try {
      const error = await fetchBranch({
        ...source,
        remote: `http://127.0.0.1:${port}/repo.git`,
        gitEnv: { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "http.extraHeader", GIT_CONFIG_VALUE_0: header, GIT_TRACE: "1", GIT_CURL_VERBOSE: "1" },
        redact: (text) => redactor.redact(text),
      }).then(
        () => null,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(error).toMatch(/git fetch failed/);
      expect(error).not.toContain(token);
      expect(error).not.toContain(Buffer.from(`assetbook:${token}`).toString("base64"));
    } finally {
      server.close();
    }
  });
});
