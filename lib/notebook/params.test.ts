import { describe, expect, it } from "vitest";
import { parseNotebookIn } from "./apply-workspace";
import { paramPairs, resolveParams, type ParamDef } from "./params";
import { formatIssue } from "./types";
import { emptyWorkspace } from "./workspace-file";

const fence = "```";
const NOTEBOOK = [
  "---",
  "params:",
  "  horizon: { type: integer, default: 7, min: 1, max: 90 }",
  "  region: { type: string, values: [eu, us] }",
  "  since: { type: date, default: '2024-01-01' }",
  "---",
  "",
  `${fence}sql forecast`,
  "select {{ params.horizon }} as days, {{ params.region }} as region, {{ params.since }}::date as since",
  fence,
  "",
  `${fence}extract feed`,
  "source: rest",
  "base_url: http://127.0.0.1:1",
  'path: "feed/{{ params.region }}"',
  'page_limit: "{{ params.horizon }}"',
  fence,
  "",
].join("\n");

describe("run parameters", () => {
  const defs: Record<string, ParamDef> = { horizon: { type: "integer", default: 7, min: 1 }, region: { type: "string", values: ["eu", "us"] } };

  it("take the given value as its type, else the default, and name every problem", () => {
    const ok = resolveParams(defs, { horizon: "14", region: "us" });
    expect(ok.ok && [...ok.values]).toEqual([["horizon", 14], ["region", "us"]]);
    const bad = resolveParams(defs, { horizon: "0.5", regoin: "eu" });
    expect(bad.ok ? [] : bad.problems).toEqual([
      'parameter regoin is not declared by the notebook (did you mean region?)',
      'parameter horizon: "0.5" is not an integer',
      "parameter region has no default: set it (--param region=…)",
    ]);
    expect(resolveParams(defs, { horizon: "0", region: "fr" })).toEqual({ ok: false, problems: ["parameter horizon: 0 is below the minimum 1", 'parameter region: "fr" is not one of eu, us'] });
    expect(paramPairs(["a=1", "b=x=y"])).toEqual({ ok: true, params: { a: "1", b: "x=y" } });
    expect(paramPairs(["oops"])).toEqual({ ok: false, problem: "--param oops: write --param name=value" });
  });

  it("are SQL literals in SQL, text in an extract's strings, and typed where they are a whole value", () => {
    const parsed = parseNotebookIn(NOTEBOOK, "nb.md", emptyWorkspace(), { horizon: "30", region: "eu" });
    if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
    const [sql, extract] = parsed.notebook.cells.filter((cell) => cell.type === "asset");
    expect(sql?.kind === "sql" && sql.config.sql).toBe("select 30 as days, 'eu' as region, '2024-01-01'::date as since");
    expect(extract?.kind === "extract" && [extract.config["path"], extract.config["page_limit"]]).toEqual(["feed/eu", 30]);
  });

  it("are checked before a run; without values (check, the editor) the defaults are read, NULL without one", () => {
    const refused = parseNotebookIn(NOTEBOOK, "nb.md", emptyWorkspace(), { horizon: "100" });
    expect(refused.ok ? [] : refused.issues.map(formatIssue)).toEqual([
      "nb.md:1:1: params: parameter horizon: 100 is above the maximum 90",
      "nb.md:1:1: params: parameter region has no default: set it (--param region=…)",
    ]);
    const checked = parseNotebookIn(NOTEBOOK, "nb.md", emptyWorkspace());
    const sql = checked.ok ? checked.notebook.cells.find((cell) => cell.type === "asset") : undefined;
    expect(sql?.kind === "sql" && sql.config.sql).toBe("select 7 as days, NULL as region, '2024-01-01'::date as since");
    const unknown = parseNotebookIn(NOTEBOOK.replace("{{ params.horizon }} as days", "{{ params.horizn }} as days"), "nb.md", emptyWorkspace());
    expect(unknown.ok ? [] : unknown.issues.map(formatIssue)).toEqual(['nb.md:9:8 cell "forecast": unknown parameter "horizn" (did you mean horizon?): declare it under params: in the front matter']);
  });

  it("a bad declaration is an error at its line", () => {
    const parsed = parseNotebookIn(NOTEBOOK.replace("default: 7, min: 1", "default: 0, min: 1"), "nb.md", emptyWorkspace());
    expect(parsed.ok ? [] : parsed.issues.map(formatIssue)).toContainEqual("nb.md:3:29: params.horizon.default: parameter default: 0 is below the minimum 1");
  });
});
