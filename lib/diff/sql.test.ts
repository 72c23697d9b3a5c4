// The data diff's SQL is a pure function of the two sides' columns: golden files show what a
// change to it does to every statement (lib/diff/golden/*.sql).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { keyedDiffSql, multisetDiffSql } from "./sql";
import type { DiffSide } from "./types";

const golden = (name: string) => path.join(import.meta.dirname, "golden", `${name}.sql`);

const production: DiffSide = {
  relation: `"v"."orders__p"`,
  columns: [
    { name: "id", type: "BIGINT" },
    { name: "region", type: "VARCHAR" },
    { name: "amount", type: "DOUBLE" },
    { name: "status", type: "BIGINT" },
    { name: "dropped", type: "DATE" },
  ],
};
const env: DiffSide = {
  relation: `"v"."orders__e"`,
  columns: [
    { name: "ID", type: "BIGINT" },
    { name: "region", type: "VARCHAR" },
    { name: "amount", type: "DOUBLE" },
    { name: "status", type: "VARCHAR" },
    { name: "added", type: "BOOLEAN" },
  ],
};

function statements(sql: ReturnType<typeof keyedDiffSql>): string {
  return [`-- counts\n${sql.counts}`, `-- differences\n${sql.differences}`, `-- summary\n${sql.summary}`, `-- sample\n${sql.sample(5)}`].join(";\n\n") + ";\n";
}

describe("data diff SQL", () => {
  it("by one key, with a float tolerance and a retyped column compared as text", () => {
    const sql = keyedDiffSql(production, env, ["id"], 0.001, `"assetbook_diff_t"`);
    expect(sql.compared).toEqual(["region", "amount", "status"]);
    expectGolden(golden("keyed"), statements(sql));
  });

  it("by a compound key", () => {
    expectGolden(golden("keyed-compound"), statements(keyedDiffSql(production, env, ["id", "region"], 0, `"assetbook_diff_t"`)));
  });

  it("as multisets without a key", () => {
    expectGolden(golden("multiset"), multisetDiffSql(production, env) + ";\n");
  });

  it("refuses a key column one side lacks and a tolerance that is not a number of at least 0", () => {
    expect(() => keyedDiffSql(production, env, ["missing"], 0, `"t"`)).toThrow(/key column "missing" is not a column of "v"."orders__p"/);
    expect(() => keyedDiffSql(production, env, ["id"], -1, `"t"`)).toThrow(/tolerance/);
    expect(() => keyedDiffSql(production, env, [], 0, `"t"`)).toThrow(/at least one key column/);
  });
});
