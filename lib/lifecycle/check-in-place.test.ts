// A change of checks alone builds nothing, but its checks run before it can be promoted:
// on the version production serves, read in place by the environment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { buildEnvironment } from "./build";
import { promoteEnvironment } from "./promote";
import { servedState } from "./store";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const fence = "```";
const shop = (checks: string) =>
  ["---", "title: Shop", "---", "", `${fence}sql orders`, ...(checks === "" ? [] : [`-- checks: ${checks}`]), "select i as id, i * 10 as amount from range(1, 6) as t(i)", fence, "", `${fence}sql total`, "select sum(amount) as amount from orders", fence, ""].join("\n");

describe("a change of checks alone", () => {
  it("runs the new checks on production's version: a failing one fails the build and blocks the promotion, a passing one is promoted without a rebuild", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
    const productionSchema = warehouse.schema;
    const build = (env: string, text: string) => buildEnvironment({ warehouse, productionSchema, env, proposed: [{ slug: "shop", text }], parser });
    try {
      const first = await build("init", shop(""));
      expect(first.ok && first.summary.ok).toBe(true);
      expect(await promoteEnvironment({ warehouse, parser, productionSchema, env: "init" })).toMatchObject({ ok: true });
      const before = await servedState(warehouse, "production");

      const failing = await build("strict", shop("accepted_range(amount, max=30)"));
      if (!failing.ok) throw new Error(JSON.stringify(failing.issues));
      expect(failing.built).toEqual([]);
      expect(failing.summary.ok).toBe(false);
      expect(failing.summary.outcomes).toEqual([
        expect.objectContaining({ asset: "orders", status: "failed", checks: [expect.objectContaining({ check: "accepted_range(amount, max=30)", passed: false, failures: 2 })] }),
      ]);
      expect(await promoteEnvironment({ warehouse, parser, productionSchema, env: "strict" })).toMatchObject({ ok: false });

      const passing = await build("lenient", shop("accepted_range(amount, max=50), unique(id)"));
      if (!passing.ok) throw new Error(JSON.stringify(passing.issues));
      expect(passing.built).toEqual([]);
      expect(passing.summary.ok).toBe(true);
      expect(passing.summary.outcomes.map((outcome) => [outcome.asset, outcome.status, outcome.checks.map((check) => check.passed)])).toEqual([["orders", "succeeded", [true, true]]]);
      expect(await promoteEnvironment({ warehouse, parser, productionSchema, env: "lenient" })).toMatchObject({ ok: true });
      const after = await servedState(warehouse, "production");
      expect(after.assets).toEqual(before.assets);
      expect(after.notebooks.shop).toContain("unique(id)");
    } finally {
      await warehouse.close();
    }
  });
});
