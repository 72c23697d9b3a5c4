// An aborted attempt (here: the timeout policy) stops its work at once and frees the warehouse
// for the next cell: the statement in flight is interrupted, ML training's thread terminated.
// settleMs is set far beyond the test timeout, so an attempt that does not stop fails the test
// instead of being given up on.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { trainInThread } from "../ml/thread";
import type { AssetCell, MlCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { execute, type ExecutionPlan } from "./executor";
import { materializeCell } from "./materialize-cell";
import { DEFAULT_POLICY, DEFAULT_RETRY, type AssetPolicy } from "./policy";
import { sqlCell } from "./test-cells";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openDuckDbWarehouse({ path: ":memory:" });
});
afterEach(() => warehouse.close());

const NEVER_SETTLE_ON_YOUR_OWN = 24 * 3_600_000;
const timesOut: AssetPolicy = { retry: DEFAULT_RETRY, timeoutMs: 300 };

function planOf(cells: AssetCell[]): ExecutionPlan {
  return { cells, upstream: () => [] };
}

/** The plan, each cell materialized under its attempt's signal, `slow` with a timeout. */
function run(cells: AssetCell[]) {
  return execute({
    plan: planOf(cells),
    warehouse,
    settleMs: NEVER_SETTLE_ON_YOUR_OWN,
    hooks: {
      attempt: (cell, ctx) => materializeCell(cell, warehouse, { extract: null, signal: ctx.signal, train: trainInThread }),
      policy: (cell) => (cell.name === "slow" ? timesOut : DEFAULT_POLICY),
    },
  });
}

describe("an attempt that times out", () => {
  it("interrupts its SQL, and the next cell runs on the same warehouse", async () => {
    const outcomes = await run([
      sqlCell("slow", "select count(*) as n from range(1000000) a, range(1000000) b where a.range + b.range >= 0"),
      sqlCell("next", "select 42 as answer"),
    ]);
    expect(outcomes.map((o) => [o.asset, o.status])).toEqual([
      ["slow", "failed"],
      ["next", "succeeded"],
    ]);
    expect(outcomes[0]?.reason).toMatch(/timed out after 300 ms/);
    expect(await warehouse.query("select answer from next")).toEqual([{ answer: 42 }]);
    expect(await warehouse.describe("slow")).toBeNull();
    // The interrupted attempt dropped its staging table on the way out.
    expect(await warehouse.query("select table_name from information_schema.tables where table_name like '%slow%'")).toEqual([]);
  });

  it("terminates its ML training and writes nothing; the next cell runs", async () => {
    await warehouse.exec("create table rides as select i as id, i % 17 as a, (i * 7) % 23 as b, (i % 17) * 3.0 - ((i * 7) % 23) as y from range(50000) t(i)");
    const ml: MlCell = {
      type: "asset",
      kind: "ml",
      name: "slow",
      infoRest: "",
      body: "",
      line: 1,
      bodyLine: 2,
      // A million deep trees: hours of training.
      config: { from: "rides", target: "y", features: ["a", "b"], model: "random_forest", params: { trees: 1_000_000, max_depth: 12 } },
      deps: [],
      checks: [],
    };
    const outcomes = await run([ml, sqlCell("next", "select 1 as one")]);
    expect(outcomes.map((o) => [o.asset, o.status])).toEqual([
      ["slow", "failed"],
      ["next", "succeeded"],
    ]);
    expect(outcomes[0]?.reason).toMatch(/timed out after 300 ms/);
    for (const table of ["slow", "slow__metrics", "slow__predictions", "slow__importance"]) expect(await warehouse.describe(table)).toBeNull();
  });
});
