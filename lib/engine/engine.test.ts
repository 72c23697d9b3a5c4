import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { childScript } from "../../test/child-script";
import type { Warehouse } from "../warehouse/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { STAGE_PREFIX } from "../extract/load/staging";
import { materializeSql } from "./materialize";
import { runPlan, type ExecutionPlan } from "./run";
import { chartCell, sqlCell } from "./test-cells";
import type { AssetCell, ExtractCell } from "../notebook/types";

let dir: string;
let warehouse: Warehouse;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-engine-"));
  warehouse = await openDuckDbWarehouse({ path: path.join(dir, "wh.duckdb"), dataDir: dir });
});
afterEach(async () => {
  await warehouse.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function snapshot(wh: Warehouse, table: string) {
  return { columns: await wh.describe(table), rows: await wh.query(`select * from "${table}" order by all`) };
}

function planOf(cells: AssetCell[], edges: [string, string][]): ExecutionPlan {
  return { cells, upstream: (n) => edges.filter(([, b]) => b === n).map(([a]) => a) };
}

describe("materializeSql", () => {
  it("creates the table, then replaces it on a second run", async () => {
    const first = await materializeSql(warehouse, sqlCell("t", "select 1 as a union all select 2"));
    expect(first).toMatchObject({ ok: true, rows: 2 });
    const second = await materializeSql(warehouse, sqlCell("t", "select 'x' as b -- trailing comment"));
    expect(second).toMatchObject({ ok: true, rows: 1 });
    expect(await warehouse.query("select * from t")).toEqual([{ b: "x" }]);
    const leftovers = await warehouse.query(`select table_name from information_schema.tables where table_name like '${STAGE_PREFIX}%'`);
    expect(leftovers).toEqual([]);
  });

  it("a failing error check leaves the old table exactly as it was", async () => {
    await materializeSql(warehouse, sqlCell("t", "select i as id, i * 1.5 as v, 'r' || i as s from range(100) t(i)"));
    const before = await snapshot(warehouse, "t");
    const result = await materializeSql(
      warehouse,
      sqlCell("t", "select case when i = 3 then null else i end as id from range(10) t(i)", [
        { type: "not_null", column: "id", severity: "error" },
      ]),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain("not_null(id) failed: 1 failing row");
    expect(await snapshot(warehouse, "t")).toEqual(before);
  });

  it("a failing warn check still swaps the table in and reports the warning", async () => {
    const result = await materializeSql(
      warehouse,
      sqlCell("t", "select 1 as id union all select 1", [{ type: "unique", columns: ["id"], severity: "warn" }]),
    );
    expect(result).toMatchObject({ ok: true, rows: 2 });
    expect(result.checks).toMatchObject([{ check: "unique(id)", passed: false, failures: 1, severity: "warn" }]);
  });

  it("reports SQL errors and leaves nothing behind", async () => {
    const result = await materializeSql(warehouse, sqlCell("t", "select * from no_such_table"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/no_such_table/);
    expect(await warehouse.describe("t")).toBeNull();
  });
});

describe("runPlan", () => {
  it("skips everything downstream of a failure and says why, and records materializations", async () => {
    const cells = [
      sqlCell("a", "select 1 as x"),
      sqlCell("b", "select x from a", [{ type: "accepted_values", column: "x", values: [2], severity: "error" }]),
      sqlCell("c", "select * from b"),
      sqlCell("d", "select * from a"),
    ];
    const summary = await runPlan({ warehouse, plan: planOf(cells, [["a", "b"], ["b", "c"], ["a", "d"]]) });
    expect(summary.ok).toBe(false);
    expect(summary.outcomes.map((o) => [o.asset, o.status])).toEqual([
      ["a", "succeeded"],
      ["b", "failed"],
      ["c", "skipped"],
      ["d", "succeeded"],
    ]);
    expect(summary.outcomes[2]?.reason).toBe('upstream "b" failed');
    const recorded = await warehouse.query(
      `select asset, status from _assetbook.materializations where run_id = '${summary.runId}' order by asset`,
    );
    expect(recorded).toEqual([
      { asset: "a", status: "succeeded" },
      { asset: "b", status: "failed" },
      { asset: "c", status: "skipped" },
      { asset: "d", status: "succeeded" },
    ]);
  });

  it("runs SQL below an unsupported extract when its table exists, and skips it otherwise", async () => {
    const extract: ExtractCell = {
      type: "asset", kind: "extract", name: "raw", infoRest: "", body: "", line: 1, bodyLine: 2,
      config: { source: "rest" }, deps: [], checks: [],
    };
    const cells: AssetCell[] = [extract, sqlCell("agg", "select count(*) as n from raw"), chartCell("c", "agg", "n", "n")];
    const plan = planOf(cells, [["raw", "agg"], ["agg", "c"]]);
    const first = await runPlan({ warehouse, plan });
    expect(first.outcomes.map((o) => o.status)).toEqual(["unsupported", "skipped", "skipped"]);
    expect(first.outcomes[1]?.reason).toBe('input "raw" does not exist in the warehouse');
    await warehouse.exec("create table raw as select 1 as id");
    const second = await runPlan({ warehouse, plan });
    expect(second.outcomes.map((o) => o.status)).toEqual(["unsupported", "succeeded", "succeeded"]);
    expect(second.ok).toBe(false);
  });
});

describe("a materialization killed mid-way", () => {
  const child = path.join(import.meta.dirname, "__fixtures__", "materialize-child.ts");
  let script: string;
  beforeAll(async () => {
    script = await childScript(child);
  });

  /** The child builds `rows` rows: enough that a kill lands mid-build (10M), or fewer for a run left to finish. */
  function runChild(dbPath: string, killAfterMs: number | null, rows: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [script, dbPath, dir, String(rows)], { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (killAfterMs !== null && out.includes("building")) setTimeout(() => proc.kill("SIGKILL"), killAfterMs);
      });
      proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
      proc.on("error", reject);
      proc.on("exit", (code, signal) => (signal === "SIGKILL" || code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
    });
  }

  it("leaves the old table whole, and the next run completes", async () => {
    await materializeSql(warehouse, sqlCell("target", "select i as id, 'old' as version, md5(i::varchar) as h from range(1000) t(i)"));
    const before = await snapshot(warehouse, "target");
    await warehouse.close();
    const dbPath = path.join(dir, "wh.duckdb");
    for (const delay of [0, 150, 600]) {
      const out = await runChild(dbPath, delay, 10_000_000);
      expect(out).not.toContain("done");
      const reopened = await openDuckDbWarehouse({ path: dbPath, dataDir: dir });
      expect(await snapshot(reopened, "target")).toEqual(before);
      await reopened.close();
    }
    const out = await runChild(dbPath, null, 200_000);
    expect(out).toContain("done");
    warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir: dir });
    const [after] = await warehouse.query("select count(*) as n, min(version) as v from target");
    expect(after).toEqual({ n: 200_000, v: "new" });
  });
});
