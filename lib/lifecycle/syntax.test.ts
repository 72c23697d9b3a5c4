// What counts as only adding columns, judged on DuckDB's syntax trees.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { onlyAddsColumns, projectionOf, withoutPositions } from "./syntax";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

async function adds(before: string, after: string): Promise<boolean> {
  const [a, b] = [projectionOf(withoutPositions(await parser.statementAst(before))), projectionOf(withoutPositions(await parser.statementAst(after)))];
  if (!a || !b) return false;
  return onlyAddsColumns(a, b);
}

describe("onlyAddsColumns", () => {
  it("is true for a new column anywhere in the list, whatever the spelling", async () => {
    expect(await adds("select a, b from t", "SELECT a,\n  x + 1 AS y,\n  b FROM t -- new")).toBe(true);
    expect(await adds("select c, sum(v) as s from t group by c", "select c, sum(v) as s, count(*) as n from t group by c")).toBe(true);
  });

  it("is false when anything else changes, or rows could change", async () => {
    expect(await adds("select a from t", "select a from t where a > 1")).toBe(false);
    expect(await adds("select a, b from t", "select b, a, c from t")).toBe(false);
    expect(await adds("select distinct customer from t", "select distinct customer, region from t")).toBe(false);
    expect(await adds("select c, sum(v) from t group by all", "select c, r, sum(v) from t group by all")).toBe(false);
    expect(await adds("select id from t", "select id, unnest(tags) as tag from t")).toBe(false);
    expect(await adds("select a from t", "select a from t")).toBe(false);
  });
});
