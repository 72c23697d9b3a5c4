import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { blockingFailures, runChecks } from ".";

const SETUP = `
  create table parent as select * from (values (1), (2)) v(id);
  create table t as select * from (values
    (1, 'a', 1, timestamp '2020-01-01', 5.0),
    (2, 'b', 2, timestamp '2020-01-02', 10.0),
    (2, null, 3, timestamp '2020-01-03', 0.0),
    (null, ' ', 1, timestamp '2020-01-04', -1.0)
  ) v(id, letter, parent_id, seen_at, amount);
`;

let dir: string;
let warehouse: Warehouse;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-checks-"));
  warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
  await warehouse.exec(SETUP);
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
  // dbt-utils' checks, with dbt's semantics.
  ["unique_combination_of_columns", { type: "unique_combination_of_columns", columns: ["id", "parent_id"], severity: error }, 0],
  ["unique_combination_of_columns finds a repeat", { type: "unique_combination_of_columns", columns: ["id"], severity: error }, 1],
  ["expression_is_true: false rows fail, null passes", { type: "expression_is_true", expression: "amount >= 0 and id > 0", severity: error }, 1],
  ["expression_is_true may read another table", { type: "expression_is_true", expression: "parent_id in (select id from parent)", severity: error }, 1],
  ["accepted_range is inclusive by default", { type: "accepted_range", column: "amount", min: 0, max: 10, inclusive: true, severity: error }, 1],
  ["accepted_range exclusive", { type: "accepted_range", column: "amount", min: 0, max: 10, inclusive: false, severity: error }, 3],
  ["accepted_range with one bound", { type: "accepted_range", column: "amount", max: 5, inclusive: true, severity: error }, 1],
  ["accepted_range over timestamps", { type: "accepted_range", column: "seen_at", min: "2020-01-02", inclusive: true, severity: error }, 1],
  ["not_empty_string trims", { type: "not_empty_string", column: "letter", severity: error }, 1],
  ["recency of old data fails", { type: "recency", column: "seen_at", maxAgeSeconds: 3600, severity: error }, 1],
  ["recency passes within the window", { type: "recency", column: "seen_at", maxAgeSeconds: 100 * 365 * 86400, severity: error }, 0],
  ["equal_rowcount fails on different counts", { type: "equal_rowcount", to: "parent", severity: error }, 1],
  ["equal_rowcount passes on itself", { type: "equal_rowcount", to: "t", severity: error }, 0],
];

// The same SQL on PostgreSQL (CI starts it and sets TEST_DATABASE_URL).
describe.runIf(adminUrl !== undefined)("runChecks on PostgreSQL", () => {
  const databases = pgDatabases("checks");
  let pg: Warehouse;
  beforeAll(async () => {
    pg = await openPostgresWarehouse({ connectionString: await databases.fresh() });
    await pg.exec(SETUP);
  });
  afterAll(async () => {
    await pg.close();
    await databases.dropAll();
  });

  it.each(cases)("%s", async (_name, check, failures) => {
    const [result] = await runChecks(pg, "t", [check]);
    expect(result).toMatchObject({ failures, passed: failures === 0 });
  });
});

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
