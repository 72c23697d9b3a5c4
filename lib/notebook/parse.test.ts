import { describe, expect, it } from "vitest";
import { assetCells, findAssetCell, formatIssue, formatNotebook, parseNotebook, serializeNotebook, type Notebook } from "./index";

const fence = "```";

function issuesOf(text: string): string[] {
  const result = parseNotebook(text, "nb.md");
  return result.ok ? [] : result.issues.map(formatIssue);
}

function notebookOf(text: string): Notebook {
  const result = parseNotebook(text, "nb.md");
  if (!result.ok) throw new Error(result.issues.map(formatIssue).join("\n"));
  return result.notebook;
}

describe("parseNotebook", () => {
  it("reads an empty file as an empty notebook that serializes to nothing", () => {
    const nb = notebookOf("");
    expect(nb).toEqual({ file: "nb.md", frontMatter: {}, frontMatterText: "", cells: [] });
    expect(serializeNotebook(nb)).toBe("");
  });

  it("points a nested block-mapping key at its own line and column", () => {
    const text = ["```extract e", "source: rest", "base_url: http://x", "paginator:", "  type: cursor", "  cursor_path: next", "  cursor_parm: c", fence].join("\n");
    expect(issuesOf(text)).toEqual([
      'nb.md:4:1 cell "e": paginator.cursor_param: required',
      'nb.md:7:3 cell "e": paginator.cursor_parm: unknown key "cursor_parm" (did you mean cursor_param?)',
    ]);
  });

  it("points a missing top-level key at the cell's fence", () => {
    expect(issuesOf(["# Title", "", "```ml m", "from: t", "target: y", "model: linear", fence].join("\n"))).toEqual(['nb.md:3:1 cell "m": features: required']);
  });

  it("reads target_transform and max_depth: none, and refuses a transform on a classifier at its line", () => {
    const ml = (...lines: string[]) => ["```ml m", "from: t", "target: y", "features: [x]", ...lines, fence].join("\n");
    expect(issuesOf(ml("model: random_forest", "target_transform: log1p", "params: { max_depth: none, seed: 7 }"))).toEqual([]);
    expect(issuesOf(ml("model: random_forest", "params: { max_depth: null }"))).toEqual([]);
    expect(issuesOf(ml("model: logistic", "target_transform: sqrt"))).toEqual(['nb.md:6:1 cell "m": target_transform: only for regression']);
    expect(issuesOf(ml("model: linear", "target_transform: exp"))[0]).toMatch(/nb\.md:6:\d+ cell "m": target_transform: .*log1p/);
  });

  it("counts lines the same with CRLF line endings", () => {
    const text = ["---", "title: x", "---", "", "```sql a", "-- checks: not_null()", "select 1", fence, ""].join("\r\n");
    expect(issuesOf(text)).toEqual(['nb.md:6:12 cell "a": checks: not_null takes one column: not_null(column)']);
  });

  it("keeps the readable cells in the notebook of a failed parse", () => {
    const result = parseNotebook(["```sql good", "select 1", fence, "", "```chart bad", "mark: line", fence].join("\n"), "nb.md");
    expect(result.ok).toBe(false);
    expect(result.notebook && assetCells(result.notebook).map((c) => c.name)).toEqual(["good"]);
  });

  it("reads SQL header comments only before the first SQL line", () => {
    const nb = notebookOf(["```sql a", "-- Just a note.", "-- deps: b, c", "", "-- description: first", "-- description: second", "select 1", "-- checks: not_null(x)", fence].join("\n"));
    const cell = findAssetCell(nb, "a");
    expect(cell?.deps).toEqual(["b", "c"]);
    expect(cell?.checks).toEqual([]);
    expect(cell?.config).toMatchObject({ description: "first second" });
  });

  it("reads deps, checks and warn from YAML cells, including custom SQL checks", () => {
    const nb = notebookOf(
      ["```chart c", "from: t", "mark: bar", "deps: other", "checks: not_null(x), unique(x)", "warn:", "  - check few_rows: select 1 from this having count(*) < 3", fence].join("\n"),
    );
    const cell = findAssetCell(nb, "c");
    expect(cell?.deps).toEqual(["other"]);
    expect(cell?.checks).toEqual([
      { type: "not_null", column: "x", severity: "error" },
      { type: "unique", columns: ["x"], severity: "error" },
      { type: "sql", name: "few_rows", sql: "select 1 from this having count(*) < 3", severity: "warn", line: 7 },
    ]);
    expect(cell?.config).toEqual({ from: "t", mark: "bar" });
  });

  it("keeps the words after the name in the info string", () => {
    const text = ["```sql a {materialize: view}", "select 1", fence, ""].join("\n");
    expect(findAssetCell(notebookOf(text), "a")?.infoRest).toBe("{materialize: view}");
    expect(serializeNotebook(notebookOf(text))).toBe(text);
  });

  it("leaves ordinary code fences with attributes in the prose", () => {
    const nb = notebookOf(['```js title="x.js"', "let a = 1", fence].join("\n"));
    expect(nb.cells).toEqual([{ type: "prose", text: '```js title="x.js"\nlet a = 1\n```', line: 1 }]);
  });

  it("reports a body that is not a mapping", () => {
    expect(issuesOf(["```chart c", "- a", "- b", fence].join("\n"))).toEqual(["nb.md:1:1 cell \"c\": a chart cell's body must be a YAML mapping of keys"]);
  });

  it("validates the front matter", () => {
    expect(issuesOf(["---", "title: t", "owners: someone", "---"].join("\n"))).toEqual(['nb.md:3:1: owners: expected a list, got the string "someone"']);
  });

  it("renders an issue the way the command line prints it", () => {
    expect(formatIssue({ file: "notebooks/rides.md", line: 23, column: 3, cell: "daily_distance", field: "checks", message: 'unknown check "nul_not"' })).toBe(
      'notebooks/rides.md:23:3 cell "daily_distance": checks: unknown check "nul_not"',
    );
  });
});

describe("serializeNotebook", () => {
  it("writes YAML front matter from the object when there is no text", () => {
    const nb: Notebook = { file: "x.md", frontMatter: { title: "New" }, frontMatterText: "", cells: [{ type: "prose", text: "Hello.", line: 1 }] };
    expect(serializeNotebook(nb)).toBe("---\ntitle: New\n---\n\nHello.\n");
  });

  it("keeps an empty front matter before prose that opens with a --- line", () => {
    const text = "---\n---\n\n---\n\nAfter a rule.\n";
    const nb = notebookOf(text);
    expect(nb.cells).toEqual([{ type: "prose", text: "---\n\nAfter a rule.", line: 4 }]);
    expect(serializeNotebook(nb)).toBe(text);
  });

  it("lengthens the fence when the body holds a fence line", () => {
    const nb = notebookOf(["~~~sql a", "select '", "````", "' as s", "~~~"].join("\n"));
    expect(serializeNotebook(nb)).toBe(["`````sql a", "select '", "````", "' as s", "`````", ""].join("\n"));
  });
});

describe("formatNotebook", () => {
  it("formats a notebook whose cells have config errors", () => {
    const result = formatNotebook(["```chart c", "mark: line   ", "", fence, "", "", "text"].join("\n"), "nb.md");
    expect(result).toEqual({ ok: true, changed: true, text: "```chart c\nmark: line\n```\n\ntext\n" });
  });

  it("refuses a file whose fence is never closed", () => {
    const result = formatNotebook(["```sql a", "select 1"].join("\n"), "nb.md");
    expect(result.ok ? [] : result.issues.map(formatIssue)).toEqual(['nb.md:1:1 cell "a": the fence ``` is never closed']);
  });
});
