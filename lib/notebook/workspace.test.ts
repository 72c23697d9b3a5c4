import { describe, expect, it } from "vitest";
import { applyWorkspace } from "./apply-workspace";
import { macroCalls } from "./workspace-macros";
import { parseNotebook } from "./parse";
import { formatIssue, type Notebook } from "./types";
import { emptyWorkspace, parseWorkspaceFile, workspaceFor, type WorkspaceFile } from "./workspace-file";

const fence = "```";

const WORKSPACE = `vars:
  start_date: "2024-01-01"
  min_amount: 10
  live: true
connections:
  fitness:
    base_url: http://127.0.0.1:4010/api/v3
    auth: { type: bearer, token: secret:FITNESS_TOKEN }
    headers: { Accept: application/json, X-Team: data }
    paginator: { type: page_number, page_param: page, size_param: per_page, size: 100 }
macros:
  cents_to_dollars:
    args: [cents]
    sql: cents / 100.0
  recent:
    args: [days]
    table: select * from range(days) t(d)
checks:
  positive:
    args: [column]
    sql: select * from this where {{ column }} <= 0
  between_vars:
    args: [column]
    sql: select * from this where {{ column }} < {{ var.min_amount }}
environments:
  production:
    vars: { start_date: "2020-01-01" }
    connections:
      fitness: { base_url: https://fitness.example.com/api/v3 }
`;

function workspaceFile(text = WORKSPACE): WorkspaceFile {
  const parsed = parseWorkspaceFile(text);
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  return parsed.workspace;
}

function notebookOf(lines: string[]): Notebook {
  const parsed = parseNotebook(lines.join("\n"), "nb.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  return parsed.notebook;
}

describe("the workspace file", () => {
  it("gives each target its variables and connections over the defaults", () => {
    const file = workspaceFile();
    const development = workspaceFor(file, "development");
    const production = workspaceFor(file, "production");
    expect(development.vars.get("start_date")).toBe("2024-01-01");
    expect(production.vars.get("start_date")).toBe("2020-01-01");
    expect(production.vars.get("min_amount")).toBe(10);
    expect(development.connections.get("fitness")?.base_url).toBe("http://127.0.0.1:4010/api/v3");
    expect(production.connections.get("fitness")).toMatchObject({ base_url: "https://fitness.example.com/api/v3", auth: { type: "bearer" } });
    expect(production.macros.map((m) => m.name)).toEqual(["cents_to_dollars", "recent"]);
  });

  it("names the place of every mistake", () => {
    const issues = (text: string) => {
      const parsed = parseWorkspaceFile(text);
      return parsed.ok ? [] : parsed.issues.map(formatIssue);
    };
    expect(issues("vars:\n  Start: 1\n")).toEqual(['assetbook.yml:2:3: vars.Start: bad name "Start": lower-case letters, digits and _, starting with a letter or _']);
    expect(issues("macros:\n  m:\n    args: [a]\n")).toEqual(["assetbook.yml:2:3: macros.m: a macro has either sql (an expression) or table (a query)"]);
    expect(issues("conections: {}\n")).toEqual(['assetbook.yml:1:1: conections: unknown key "conections" (did you mean connections?)']);
    expect(issues("environments:\n  production:\n    connections:\n      nope: { base_url: http://x }\n")).toEqual([
      'assetbook.yml:4:7: connection "nope" is not defined under connections:',
    ]);
    expect(issues("environments:\n  staging: {}\n")[0]).toMatch(/^assetbook\.yml:2:3: environments\.staging: /);
    expect(issues("checks:\n  unique: { sql: select 1 }\n")).toEqual(['assetbook.yml:2:3: "unique" is a built-in check: name yours otherwise']);
    expect(issues("vars: [\n")[0]).toMatch(/^assetbook\.yml:\d+:\d+: YAML: /);
  });
});

describe("applyWorkspace", () => {
  const development = workspaceFor(workspaceFile(), "development");

  it("puts variables in SQL as typed literals, and in an extract's strings as text", () => {
    const nb = notebookOf([
      `${fence}sql recent_rides`,
      "select * from rides where day >= {{ var.start_date }} and amount > {{var.min_amount}} and {{ var.live }}",
      fence,
      "",
      `${fence}extract rides`,
      "source: rest",
      "base_url: http://127.0.0.1:4010",
      'path: "rides/{{ var.start_date }}"',
      fence,
    ]);
    const { notebook, issues } = applyWorkspace(nb, development);
    expect(issues).toEqual([]);
    const [sql, extract] = notebook.cells.filter((cell) => cell.type === "asset");
    expect(sql?.kind === "sql" && sql.config.sql).toBe("select * from rides where day >= '2024-01-01' and amount > 10 and TRUE");
    expect(extract?.kind === "extract" && extract.config["path"]).toBe("rides/2024-01-01");
  });

  it("reports an unknown variable at its line and column, with a suggestion", () => {
    const nb = notebookOf([`${fence}sql a`, "-- description: x", "select {{ var.start_dat }} as d", fence]);
    expect(applyWorkspace(nb, development).issues.map(formatIssue)).toEqual([
      'nb.md:3:8 cell "a": unknown variable "start_dat" (did you mean start_date?): define it under vars: in assetbook.yml',
    ]);
    expect(applyWorkspace(nb, emptyWorkspace()).issues).toHaveLength(1);
  });

  it("merges a connection under an extract cell's own keys, per target", () => {
    const nb = notebookOf([`${fence}extract activities`, "source: rest", "connection: fitness", "path: athlete/activities", "headers: { X-Team: rides }", fence]);
    const cell = (workspace = development) => applyWorkspace(nb, workspace).notebook.cells.find((c) => c.type === "asset");
    expect(cell()?.kind === "extract" && cell()?.config).toMatchObject({
      base_url: "http://127.0.0.1:4010/api/v3",
      path: "athlete/activities",
      headers: { Accept: "application/json", "X-Team": "rides" },
      paginator: { type: "page_number", size: 100 },
      auth: { type: "bearer", token: "secret:FITNESS_TOKEN" },
    });
    const production = cell(workspaceFor(workspaceFile(), "production"));
    expect(production?.kind === "extract" && production.config["base_url"]).toBe("https://fitness.example.com/api/v3");
  });

  it("a cell with a connection needs no base_url; an unknown connection is an issue", () => {
    const nb = notebookOf([`${fence}extract a`, "source: rest", "connection: fitnes", fence]);
    expect(applyWorkspace(nb, development).issues.map(formatIssue)).toEqual([
      'nb.md:1:1 cell "a": connection: unknown connection "fitnes" (did you mean fitness?): define it under connections: in assetbook.yml',
    ]);
  });

  it("turns a workspace check into its SQL, and names an unknown check or a wrong argument count at its place", () => {
    const nb = notebookOf([`${fence}sql orders`, "-- checks: positive(amount), between_vars(amount), not_null(id)", "-- warn: postive(amount), positive(a, b)", "select 1 as id, 5 as amount", fence]);
    const { notebook, issues } = applyWorkspace(nb, development);
    expect(issues.map(formatIssue)).toEqual([
      'nb.md:3:10 cell "orders": checks: unknown check "postive" (did you mean positive?)',
      'nb.md:3:27 cell "orders": checks: check positive takes 1 argument: positive(column)',
    ]);
    const checks = notebook.cells.find((c) => c.type === "asset")?.type === "asset" ? notebook.cells.flatMap((c) => (c.type === "asset" ? c.checks : [])) : [];
    expect(checks.slice(0, 3)).toEqual([
      { type: "sql", name: "positive(amount)", sql: "select * from this where amount <= 0", severity: "error", line: 2 },
      { type: "sql", name: "between_vars(amount)", sql: "select * from this where amount < 10", severity: "error", line: 2 },
      { type: "not_null", column: "id", severity: "error" },
    ]);
  });

  it("names the macros each SQL cell calls, in its SQL or its checks", () => {
    const nb = notebookOf([
      `${fence}sql dollars`,
      "-- check small: select * from this where cents_to_dollars(amount) > 1e6",
      "select cents_to_dollars(amount) as usd, 'recent(1)' as s from recent(3)",
      fence,
      "",
      `${fence}sql plain`,
      "select 1 as recent",
      fence,
    ]);
    expect([...applyWorkspace(nb, development).macrosOf]).toEqual([["dollars", ["cents_to_dollars", "recent"]]]);
  });
});

describe("macroCalls", () => {
  it("finds calls outside strings, quoted names and comments; not qualified functions", () => {
    const sql = `select m(1), "m"(2), 'm(3)', x.m(4) -- m(5)\n/* m(6) */ from n (7), M (8)`;
    expect(macroCalls(sql, ["m", "n", "unused"])).toEqual(["m", "n"]);
    expect(macroCalls("select 'it''s m(1)' as t", ["m"])).toEqual([]);
  });
});
