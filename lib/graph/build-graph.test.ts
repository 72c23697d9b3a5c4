import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatIssue } from "../notebook/types";
import { chartCell, extractCell, mlCell, notebook, sqlCell } from "./__fixtures__/notebook-builders";
import { buildGraph } from "./build-graph";
import { NodeSqlReferenceParser } from "./sql-refs-node";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

describe("buildGraph", () => {
  it("builds a diamond from SQL references, from: fields and deps", async () => {
    const nb = notebook([
      extractCell("raw", { line: 3 }),
      sqlCell("left_side", "select * from raw", { line: 10 }),
      sqlCell("right_side", "select * from RAW where x > 0", { line: 15 }),
      sqlCell("joined", "select * from left_side join main.right_side using (id)", { line: 20 }),
      chartCell("plot", "joined", { line: 25 }),
      sqlCell("audit", "select 1 as ok", { line: 30, deps: ["plot"] }),
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(issues).toEqual([]);
    expect(graph.topoOrder()).toEqual(["raw", "left_side", "right_side", "joined", "plot", "audit"]);
    expect(graph.upstream("joined")).toEqual(["left_side", "right_side"]);
    expect(graph.upstream("right_side")).toEqual(["raw"]);
    expect(graph.upstream("audit")).toEqual(["plot"]);
  });

  it("does not treat CTE names or table functions as dependencies", async () => {
    const nb = notebook([
      sqlCell("orders", "select * from range(5) t(id)", { line: 1 }),
      sqlCell("summary", "with orders_by_day as (select * from orders) select * from orders_by_day, generate_series(1, 2)", { line: 5 }),
      sqlCell("shadow", "with summary as (select 1 as n) select * from summary", { line: 9 }),
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(issues).toEqual([]);
    expect(graph.upstream("summary")).toEqual(["orders"]);
    expect(graph.upstream("shadow")).toEqual([]);
  });

  it("names every cell of a cycle with its line, once per cycle, at the first cell", async () => {
    const nb = notebook([
      sqlCell("a", "select * from c", { line: 5 }),
      sqlCell("b", "select * from a", { line: 12 }),
      sqlCell("c", "select * from b", { line: 20 }),
      sqlCell("loner", "select * from loner", { line: 30 }),
      sqlCell("x", "select * from y", { line: 40 }),
      sqlCell("y", "select * from x", { line: 45 }),
    ]);
    const { issues } = await buildGraph(nb, parser);
    expect(issues.map(formatIssue)).toEqual([
      'notebooks/test.md:5:1 cell "a": cycle: a (line 5) -> b (line 12) -> c (line 20) -> a',
      'notebooks/test.md:30:1 cell "loner": cycle: loner (line 30) -> loner',
      'notebooks/test.md:40:1 cell "x": cycle: x (line 40) -> y (line 45) -> x',
    ]);
  });

  it("reports an unknown table at the cell, with a suggestion", async () => {
    const nb = notebook([
      sqlCell("daily_distance", "select 1 as km", { line: 3 }),
      sqlCell("report", "select * from daily_distanse", { line: 8 }),
      chartCell("plot", "nothing_like_it", { line: 12 }),
    ]);
    const { issues } = await buildGraph(nb, parser);
    expect(issues).toEqual([
      { file: "notebooks/test.md", line: 8, column: 1, cell: "report", message: 'unknown table "daily_distanse" (did you mean "daily_distance"?)' },
      {
        file: "notebooks/test.md",
        line: 12,
        column: 1,
        cell: "plot",
        field: "from",
        message: 'unknown table "nothing_like_it"; declare it under external: in the front matter if it is loaded outside this notebook',
      },
    ]);
  });

  it("accepts declared external tables, qualified or not, from the front matter or the cell", async () => {
    const nb = notebook(
      [
        sqlCell("a", "select * from raw.events join customers on true join main.regions on true", { line: 1 }),
        sqlCell("b", "select * from staging.orders", { line: 5, external: ["staging.orders"] }),
        sqlCell("c", "select * from raw.event", { line: 9 }),
      ],
      ["raw.events", "Customers", "regions"],
    );
    const { graph, issues } = await buildGraph(nb, parser);
    expect(graph.edges()).toEqual([]);
    expect(issues.map((issue) => issue.message)).toEqual(['unknown table "raw.event" (did you mean "raw.events"?)']);
  });

  it("resolves ML outputs and extract child tables to the cell that produces them", async () => {
    const nb = notebook([
      extractCell("activities", { line: 1 }),
      sqlCell("scoring_set", "select * from activities", { line: 4 }),
      mlCell("energy_model", "activities", { line: 8, predictOn: "scoring_set" }),
      sqlCell("laps", "select * from activities__laps join energy_model__predictions using (id)", { line: 14 }),
      chartCell("importance_chart", "energy_model__importance", { line: 18 }),
      sqlCell("bad", "select * from energy_model__weights", { line: 22 }),
    ]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(graph.upstream("energy_model")).toEqual(["activities", "scoring_set"]);
    expect(graph.upstream("laps")).toEqual(["activities", "energy_model"]);
    expect(graph.upstream("importance_chart")).toEqual(["energy_model"]);
    expect(issues.map((issue) => `${issue.cell}: ${issue.message}`)).toEqual([
      'bad: unknown table "energy_model__weights" (did you mean "energy_model__metrics"?)',
    ]);
  });

  it("prefers a cell named like a child table over the child-table rule", async () => {
    const nb = notebook([
      extractCell("e", { line: 1 }),
      sqlCell("e__items", "select 1 as id", { line: 4 }),
      sqlCell("reader", "select * from e__items", { line: 8 }),
    ]);
    const { graph } = await buildGraph(nb, parser);
    expect(graph.upstream("reader")).toEqual(["e__items"]);
  });

  it("maps a SQL syntax error to the file line and column", async () => {
    const cell = sqlCell("broken", "-- checks: not_null(id)\nselect *\nfrm orders", { line: 10 });
    const { issues } = await buildGraph(notebook([cell]), parser);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: 13, column: 5, cell: "broken", message: expect.stringContaining("SQL: syntax error") });
  });

  it("reports a duplicate asset name and keeps the first", async () => {
    const nb = notebook([sqlCell("a", "select 1", { line: 1 }), sqlCell("A", "select 2", { line: 5 })]);
    const { graph, issues } = await buildGraph(nb, parser);
    expect(graph.nodes.map((node) => node.line)).toEqual([1]);
    expect(issues.map((issue) => issue.message)).toEqual(['duplicate asset name "A" (first defined on line 1)']);
  });
});
