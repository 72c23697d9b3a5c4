// A production run of a notebook whose chart reads another notebook's table: the chart's
// table is found where production serves it (it was looked up in the versions schema only,
// and the chart failed with "does not exist").
import { afterAll, beforeAll, expect, it } from "vitest";
import { materializeCell } from "../engine/materialize-cell";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace } from "../notebook/workspace-file";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { buildEnvironment } from "./build";
import { productionBinding, productionRunWarehouse } from "./production-runs";
import { promoteEnvironment } from "./promote";

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

it("a chart over another notebook's table runs in production", async () => {
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    const source = "```sql sales\nselect 1 as day, 20 as amount union all select 2, 30\n```\n";
    const report = "---\nexternal: [sales]\n---\n\n```chart by_day\nfrom: sales\nmark: bar\nx: day\ny: amount\n```\n";
    const built = await buildEnvironment({ warehouse, productionSchema: "main", env: "first", proposed: [{ slug: "source", text: source }, { slug: "report", text: report }], parser });
    expect(built.ok && built.summary.ok).toBe(true);
    expect(await promoteEnvironment({ warehouse, parser, productionSchema: "main", env: "first" })).toMatchObject({ ok: true });
    const binding = await productionBinding(warehouse);
    if (binding === null) throw new Error("production is promoted");
    const chart = parseNotebookIn(report, "report.md", emptyWorkspace("production")).notebook?.cells.find((cell) => cell.type === "asset");
    if (chart?.type !== "asset") throw new Error("no chart");
    const run = productionRunWarehouse(warehouse, binding, new Map([["by_day", { kind: "chart" as const }]]));
    expect(await materializeCell(chart, run, { extract: null })).toMatchObject({ ok: true, rows: 2 });
  } finally {
    await warehouse.close();
  }
});
