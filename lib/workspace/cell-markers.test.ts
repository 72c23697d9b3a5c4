import { describe, expect, it } from "vitest";
import { cellProblems, markersOf } from "./cell-markers";
import { draftFromText, draftToText } from "./draft";

const text = "---\ntitle: T\n---\n\n```sql a\n-- checks: not_null(x)\nselect 1 as x\nfrom range(3)\n```\n\n```chart c\nfrom: a\nmark: [bad\n```\n";

describe("cellProblems", () => {
  const scanned = draftFromText(text, "t.md", (() => { let n = 0; return () => `c${++n}`; })());
  if (!scanned.ok) throw new Error("scan");
  const { draft } = scanned;
  const canonical = draftToText(draft, "t.md");

  it("maps issues to editor lines, and SQL run errors past the header comments", () => {
    const problems = cellProblems({
      draft,
      text: canonical,
      issues: [{ file: "t.md", line: 13, column: 7, cell: "c", field: "mark", message: "YAML: bad" }],
      statuses: [{ name: "a", kind: "sql", state: "error", error: "Binder Error: nope\n\nLINE 3: from range(3)\n        ^" }],
      sqlOf: () => "select 1 as x\nfrom range(3)",
    });
    expect(problems.get("c2")).toEqual([{ message: "mark: YAML: bad", line: 2, column: 7 }]);
    expect(problems.get("c1")).toEqual([{ message: "Binder Error: nope", line: 3, column: 1 }]);
    expect(markersOf(problems.get("c1") ?? [])).toEqual([{ line: 3, column: 1, message: "Binder Error: nope" }]);
  });

  it("an issue on the fence line marks the first editor line", () => {
    const problems = cellProblems({ draft, text: canonical, issues: [{ file: "t.md", line: 11, column: 1, cell: "c", message: "unknown table" }], statuses: [], sqlOf: () => undefined });
    expect(problems.get("c2")).toEqual([{ message: "unknown table", line: 1, column: 1 }]);
  });
});
