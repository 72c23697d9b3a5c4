import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { blockingFailures, runChecks } from ".";

let dir: string;
let warehouse: Warehouse;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-checks-"));
  warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
  await warehouse.exec(`
    create table parent as select * from (values (1), (2)) v(id);
    create table t as select * from (values
      (1, 'a', 1, timestamp '2020-01-01'),
      (2, 'b', 2, timestamp '2020-01-02'),
      (2, null, 3, timestamp '2020-01-03'),
      (null, 'z', 1, timestamp '2020-01-04')
    ) v(id, letter, parent_id, seen_at);
  `);
});
afterAll(async () => {
  await warehouse.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const error = "error" as const;
const cases: [string, Check, number][] = [
  ["not_null finds the null", { type: "not_null", column: "letter", severity: error }, 1],
  ["not_null passes", { type: "not_null", column: "parent_id", severity: error }, 0],
  ["unique counts duplicated keys", { type: "unique", columns: ["id"], severity: error }, 1],
  ["unique over two columns passes", { type: "unique", columns: ["id", "letter"], severity: error }, 0],
  ["accepted_values ignores nulls", { type: "accepted_values", column: "letter", values: ["a", "b"], severity: error }, 1],
  ["relationships finds orphans", { type: "relationships", column: "parent_id", to: "parent", toColumn: "id", severity: error }, 1],
  ["row_count below min", { type: "row_count", min: 5, severity: error }, 1],
  ["row_count within bounds", { type: "row_count", min: 1, max: 4, severity: error }, 0],
  ["row_count above max", { type: "row_count", max: 3, severity: error }, 1],
  ["freshness of old data fails", { type: "freshness", column: "seen_at", maxAgeSeconds: 3600, severity: error }, 1],
  ["custom SQL over this", { type: "sql", name: "big_parent", sql: "select * from this where parent_id > 2;", severity: error }, 1],
  ["custom SQL with its own CTE", { type: "sql", name: "cte", sql: "with x as (select * from this) select * from x where id = 1", severity: error }, 1],
];

describe("runChecks", () => {
  it.each(cases)("%s", async (_name, check, failures) => {
    const [result] = await runChecks(warehouse, "t", [check]);
    expect(result).toMatchObject({ failures, passed: failures === 0 });
    expect(result?.sample.length).toBe(Math.min(failures, 5));
  });

  it("a check on a missing column fails with the database's error", async () => {
    const [result] = await runChecks(warehouse, "t", [{ type: "not_null", column: "nope", severity: error }]);
    expect(result?.passed).toBe(false);
    expect(result?.error).toMatch(/nope/);
  });

  it("only error-severity failures block", async () => {
    const results = await runChecks(warehouse, "t", [
      { type: "not_null", column: "letter", severity: "warn" },
      { type: "unique", columns: ["id"], severity: "error" },
    ]);
    expect(blockingFailures(results).map((r) => r.check)).toEqual(["unique(id)"]);
  });
});
