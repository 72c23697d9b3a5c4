import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatNotebook } from "../notebook";
import {
  bodyLines,
  changeKind,
  deleteCell,
  draftFromText,
  draftToText,
  editorLine,
  insertCell,
  moveCell,
  templateBody,
  uniqueName,
  updateCell,
  type NotebookDraft,
} from "./draft";
import { sqlCellEditorLine, sqlErrorPlace, sqlErrorSummary } from "./sql-error";

function ids(): () => string {
  let n = 0;
  return () => `c${++n}`;
}

async function shop(): Promise<{ text: string; draft: NotebookDraft }> {
  const text = await readFile(path.join(import.meta.dirname, "../../notebooks/shop.md"), "utf8");
  const result = draftFromText(text, "shop.md", ids());
  if (!result.ok) throw new Error("shop.md does not scan");
  return { text, draft: result.draft };
}

describe("draft", () => {
  it("round-trips a canonical notebook byte for byte", async () => {
    const { text, draft } = await shop();
    expect(draftToText(draft, "shop.md")).toBe(text);
    expect(draft.cells.map((c) => (c.type === "asset" ? c.name : "prose"))).toEqual([
      "prose", "customers", "orders", "prose", "daily_revenue", "top_customers", "revenue_per_day",
    ]);
  });

  it("keeps cells whose config is invalid (the parser would drop them)", () => {
    const text = "```chart c\nfrom: t\nmark: [unclosed\n```\n";
    const result = draftFromText(text, "x.md", ids());
    expect(result.ok && draftToText(result.draft, "x.md")).toBe(text);
  });

  it("edits, moves, inserts, deletes and renames cells, always producing canonical text", async () => {
    const { draft } = await shop();
    const orders = draft.cells[2];
    if (orders?.type !== "asset") throw new Error("orders");
    let next = updateCell(draft, orders.id, { body: `${orders.body}\n\n\n`, name: "all_orders" });
    next = moveCell(next, orders.id, -1);
    next = insertCell(next, orders.id, { id: "new", type: "asset", kind: "sql", name: uniqueName(next, "customers"), infoRest: "", body: "" });
    next = deleteCell(next, next.cells[0]?.id ?? "");
    const text = draftToText(next, "x.md");
    const format = formatNotebook(text, "x.md");
    expect(format.ok && format.changed).toBe(false);
    expect(text).toContain("---\n\n```sql all_orders\n");
    expect(text).toContain("```sql customers_2\n```");
    expect(moveCell(next, next.cells[0]?.id ?? "", -1)).toBe(next);
  });

  it("changes a cell's kind, replacing an untouched template", () => {
    const draft: NotebookDraft = { frontMatterText: "", cells: [{ id: "a", type: "asset", kind: "sql", name: "a", infoRest: "", body: templateBody("sql", "t") }] };
    const chart = changeKind(draft, "a", "chart", "t");
    expect(chart.cells[0]).toMatchObject({ kind: "chart", body: templateBody("chart", "t") });
    const edited = updateCell(draft, "a", { body: "select 2" });
    expect(changeKind(edited, "a", "chart").cells[0]).toMatchObject({ kind: "chart", body: "select 2" });
  });

  it("maps file lines to cell editor lines", async () => {
    const { text, draft } = await shop();
    const lines = bodyLines(draft, text);
    const orders = draft.cells[2];
    expect(orders && lines.get(orders.id)).toBe(text.split("\n").indexOf("```sql orders") + 2);
    expect(editorLine(20, 20, "select 1")).toBe(1);
    expect(editorLine(21, 20, "\n\nselect 1\nfrom t")).toBe(4);
    expect(editorLine(5, 20, "x")).toBe(1);
  });
});

describe("SQL error places", () => {
  const binder = 'Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "x"\n\nLINE 3: select nope from t\n               ^';
  it("reads DuckDB's LINE trailer and caret", () => {
    expect(sqlErrorPlace(binder)).toEqual({ line: 3, column: 8 });
    expect(sqlErrorPlace("Parser Error: syntax error at end of input\n\nLINE 2:")).toEqual({ line: 2 });
    expect(sqlErrorPlace("Catalog Error: Table with name x does not exist!")).toBeUndefined();
    expect(sqlErrorSummary(binder)).toBe('Binder Error: Referenced column "nope" not found in FROM clause!\nCandidate bindings: "x"');
  });
  it("maps a statement line to the cell editor line past the header comments", () => {
    const body = "-- checks: not_null(x)\n-- warn: row_count(min=1)\nselect x\nfrom t";
    const sql = "select x\nfrom t";
    expect(sqlCellEditorLine(body, sql, 2)).toBe(3);
    expect(sqlCellEditorLine(body, sql, 3)).toBe(4);
  });
});

describe("a notebook too large to edit", () => {
  it("is not opened as a draft: the page shows the issue instead of megabytes of cells", () => {
    const text = `\`\`\`sql a\n${"select 1 as x -- padding padding padding\n".repeat(60_000)}\`\`\`\n`;
    const result = draftFromText(text, "notebooks/big.md", () => "id");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => `${i.file}:${i.line}: ${i.message}`)).toEqual([expect.stringMatching(/^notebooks\/big\.md:\d+: the notebook is larger than 2 MiB/)]);
  });
});
