// A table read only by a custom check is an input of its cell: the graph orders it, and a
// check that does not parse (or is more than one statement) is an issue at its line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNotebook } from "../notebook";
import { formatIssue, type Notebook } from "../notebook/types";
import { buildGraph } from "./build-graph";
import { planRun } from "./plan";
import { NodeSqlReferenceParser } from "./sql-refs-node";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const fence = "```";

function notebookOf(lines: string[]): Notebook {
  const parsed = parseNotebook(lines.join("\n"), "nb.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  return parsed.notebook;
}

// `orders` comes first in the file but its check reads `customers`, defined below it.
const CHECKED = [
  `${fence}sql orders`,
  "-- check known_customers: select o.* from this o",
  "--   left join customers c on c.id = o.customer_id",
  "--   where c.id is null",
  "select 1 as id, 7 as customer_id",
  fence,
  "",
  `${fence}sql customers`,
  "select 7 as id",
  fence,
  "",
];

describe("custom checks in the graph", () => {
  it("a multi-line SQL header check keeps every line and makes the table it reads an input", async () => {
    const nb = notebookOf(CHECKED);
    const orders = nb.cells.find((c) => c.type === "asset" && c.name === "orders");
    if (orders?.type !== "asset") throw new Error("no orders");
    expect(orders.checks).toEqual([
      { type: "sql", name: "known_customers", severity: "error", line: 2, sql: "select o.* from this o\nleft join customers c on c.id = o.customer_id\nwhere c.id is null" },
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(issues).toEqual([]);
    expect(graph.upstream("orders")).toEqual(["customers"]);
    expect(graph.topoOrder()).toEqual(["customers", "orders"]);
    expect(planRun(graph, "+orders")).toEqual(["customers", "orders"]);
  });

  it("a YAML cell's multi-line check (block scalar) works the same, and a check may name its own asset", async () => {
    const nb = notebookOf([
      `${fence}sql customers`,
      "select 7 as id",
      fence,
      "",
      `${fence}chart plot`,
      "from: customers",
      "mark: bar",
      "x: id",
      "checks:",
      "  - check ids_known: |",
      "      select * from this",
      "      where id not in (select id from customers)",
      "      and id not in (select id from regions)",
      fence,
      "",
      `${fence}sql regions`,
      "-- check self_read: select * from regions where id < 0",
      "select 1 as id",
      fence,
      "",
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(issues).toEqual([]);
    expect(graph.upstream("plot").sort()).toEqual(["customers", "regions"]);
    expect(graph.upstream("regions")).toEqual([]);
  });

  it("an unknown table, SQL that does not parse, or a second statement in a check is an issue at the check's line", async () => {
    const nb = notebookOf([
      `${fence}sql a`,
      "-- check unknown_table: select * from this join nowhere using (id)",
      "-- check broken: select * from this where",
      "--   id = = 1",
      "-- check injected: select 1) as x; drop table a; select * from (select 1",
      "-- check two_selects: select 1) as x; select * from (select 1",
      "select 1 as id",
      fence,
      "",
    ]);
    const { issues } = await buildGraph(nb, parser);
    const lines = issues.map(formatIssue);
    expect(lines).toContainEqual(expect.stringMatching(/^nb\.md:1:1 cell "a": checks: unknown table "nowhere"/));
    expect(lines).toContainEqual(expect.stringMatching(/^nb\.md:4:1 cell "a": checks: check broken: SQL: .*syntax error/));
    expect(lines).toContainEqual(expect.stringMatching(/^nb\.md:5:1 cell "a": checks: check injected: SQL: expected one SELECT statement; found another kind/));
    expect(lines).toContainEqual(expect.stringMatching(/^nb\.md:6:1 cell "a": checks: check two_selects: SQL: expected one SELECT statement, found 2/));
  });

  it("expression_is_true and equal_rowcount read their tables as inputs; a broken expression is an issue at its line", async () => {
    const nb = notebookOf([
      `${fence}sql orders`,
      "-- checks: expression_is_true(customer_id in (select id from customers)), equal_rowcount(order_copy)",
      "-- warn: expression_is_true(amount >)",
      "select 1 as id, 7 as customer_id, 3 as amount",
      fence,
      "",
      `${fence}sql customers`,
      "select 7 as id",
      fence,
      "",
      `${fence}sql order_copy`,
      "select 1 as id",
      fence,
      "",
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(issues.map(formatIssue)).toEqual([expect.stringMatching(/^nb\.md:3:1 cell "orders": checks: check expression_is_true\(amount >\): SQL: .*syntax error/)]);
    expect(graph.upstream("orders").sort()).toEqual(["customers", "order_copy"]);
  });
});
