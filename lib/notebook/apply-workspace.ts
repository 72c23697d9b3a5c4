// A parsed notebook with its workspace applied (workspace-file.ts): `{{ var.name }}` replaced
// (a SQL literal in SQL, plain text in an extract's strings), `connection:` merged into its
// extract cells, workspace checks (`positive(amount)`) turned into their SQL, and the macros
// each SQL cell calls named. Pure; whatever does not resolve is an issue at its place.
import { placeCells } from "./placement";
import { CHECK_NAMES } from "./check-list";
import { parseNotebook } from "./parse";
import { scanNotebook, splitLines } from "./scan";
import { extractConfigSchema } from "./schemas/extract";
import { didYouMean } from "./suggest";
import type { AssetCell, Check, Notebook, NotebookIssue, ParseResult } from "./types";
import { resolveParams } from "./params";
import type { ConnectionDef, VarValue, Workspace } from "./workspace-file";
import { describeIssues } from "./zod-issues";
import { configValue, hasVars, substituteVars } from "./workspace-vars";
import { MacroCycleError, macroCalls, macrosNeeded, missingMacro, physicalMacros, rewriteCalls, type PhysicalMacro } from "./workspace-macros";
import { isRecord } from "../guards";

export interface AppliedNotebook {
  notebook: Notebook;
  issues: NotebookIssue[];
  /** The workspace macros each cell calls (lower-case cell name → macro names), for its definition and reruns. */
  macrosOf: ReadonlyMap<string, readonly string[]>;
  /** The macros the cells call (and those they call), in creation order: a host creates them before running the cells. */
  macros: PhysicalMacro[];
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

/**
 * `given`: the run's parameters as text (absent: each declared one's default, or NULL for
 * one without, as `check` and the editor read a notebook).
 */
export function applyWorkspace(notebook: Notebook, base: Workspace, given?: Readonly<Record<string, string>>): AppliedNotebook {
  const issues: NotebookIssue[] = [];
  const workspace: Workspace = { ...base, params: runParams(notebook, given, issues) };
  const macrosOf = new Map<string, string[]>();
  let physical: Map<string, PhysicalMacro>;
  try {
    physical = physicalMacros(workspace);
  } catch (error) {
    if (!(error instanceof MacroCycleError)) throw error;
    issues.push({ file: workspace.file, line: workspace.lines.get(`macros.${error.cycle[0] ?? ""}`) ?? 1, column: 1, message: error.message });
    physical = new Map();
  }
  const names = new Map([...physical.values()].map((macro) => [macro.macro.toLowerCase(), macro.macro]));
  const qualify = (sql: string) => rewriteCalls(sql, names, (name) => physical.get(name.toLowerCase()) ?? missingMacro(name));
  const used = new Set<string>();
  const cells = notebook.cells.map((cell) => {
    if (cell.type !== "asset") return cell;
    const issue = (line: number, column: number, message: string, field?: string) =>
      issues.push({ file: notebook.file, line, column, cell: cell.name, ...(field ? { field } : {}), message });
    const applied = applyToCell(cell, workspace, issue);
    const checks = resolveChecks(applied.checks, workspace, cell, issue);
    if (applied.kind !== "sql") return { ...applied, checks };
    const calls = macroCalls([applied.config.sql, ...checkSql(checks)].join("\n"), [...names.values()]);
    if (calls.length === 0) return { ...applied, checks };
    macrosOf.set(cell.name.toLowerCase(), calls);
    for (const name of calls) used.add(name.toLowerCase());
    return {
      ...applied,
      config: { ...applied.config, sql: qualify(applied.config.sql), macros: macrosNeeded(physical, new Set(calls.map((name) => name.toLowerCase()))) },
      checks: checks.map((check): Check => (check.type === "sql" ? { ...check, sql: qualify(check.sql) } : check)),
    };
  });
  return { notebook: { ...notebook, cells }, issues, macrosOf, macros: macrosNeeded(physical, used) };
}

function runParams(notebook: Notebook, given: Readonly<Record<string, string>> | undefined, issues: NotebookIssue[]): Map<string, VarValue> {
  const defs = notebook.frontMatter.params ?? {};
  if (given !== undefined) {
    const resolved = resolveParams(defs, given);
    if (resolved.ok) return resolved.values;
    issues.push(...resolved.problems.map((message) => ({ file: notebook.file, line: 1, column: 1, field: "params", message })));
  }
  const defaults = resolveParams(Object.fromEntries(Object.entries(defs).filter(([, def]) => def.default !== undefined)), {});
  const values = new Map<string, VarValue>(Object.keys(defs).map((name) => [name, null]));
  if (defaults.ok) for (const [name, value] of defaults.values) values.set(name, value);
  return values;
}

type Report = (line: number, column: number, message: string, field?: string) => void;

function applyToCell(cell: AssetCell, workspace: Workspace, report: Report): AssetCell {
  switch (cell.kind) {
    case "sql": {
      const sql = cell.config.sql;
      if (!hasVars(sql)) return cell;
      const done = substituteVars(sql, workspace.vars, "sql", workspace.params);
      const sqlStart = Math.max(0, cell.body.indexOf(sql));
      for (const problem of done.problems) {
        const at = lineAndColumn(cell.body, sqlStart + problem.offset);
        report(cell.bodyLine + at.line - 1, at.column, problem.message);
      }
      return { ...cell, config: { ...cell.config, sql: done.text } };
    }
    case "extract":
      return applyToExtract(cell, workspace, report);
    case "ml": {
      // A model's config may take the run's parameters (`params: { trees: "{{ params.trees }}" }`).
      const config = mapStrings(cell.config, (text, path) => (hasVars(text) ? configValue(text, workspace, (message) => report(cell.line, 1, message, path)) : text));
      return { ...cell, config: { ...cell.config, ...config } };
    }
    case "chart":
      return cell;
    default: {
      const unreachable: never = cell;
      return unreachable;
    }
  }
}

function applyToExtract(cell: Extract<AssetCell, { kind: "extract" }>, workspace: Workspace, report: Report): AssetCell {
  const substituted = mapStrings(cell.config, (text, path) => (hasVars(text) ? configValue(text, workspace, (message) => report(cell.line, 1, message, path)) : text));
  const name = substituted["connection"];
  if (typeof name !== "string") return { ...cell, config: { ...substituted, source: cell.config.source } };
  const connection = workspace.connections.get(name);
  if (connection === undefined) {
    report(cell.line, 1, `unknown connection "${name}"${didYouMean(name, [...workspace.connections.keys()])}: define it under connections: in assetbook.yml`, "connection");
    return cell;
  }
  const merged = mergeConnection(connection, substituted);
  const parsed = extractConfigSchema.safeParse(merged);
  if (!parsed.success) {
    for (const problem of describeIssues(extractConfigSchema, merged, parsed.error.issues)) {
      report(cell.line, 1, `with connection "${name}": ${problem.message}`, problem.path.map(String).join(".") || "connection");
    }
    return cell;
  }
  return { ...cell, config: { ...merged, source: cell.config.source } };
}

/** The connection's keys under the cell's own: the cell wins, and `headers` and `params` merge key by key. */
export function mergeConnection(connection: ConnectionDef, config: Record<string, unknown>): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a connection's description describes it, not the cell
  const { description, ...request } = connection;
  const merged: Record<string, unknown> = { ...request, ...config };
  for (const key of ["headers", "params"] as const) {
    const own = config[key];
    const shared = request[key];
    if (shared !== undefined) merged[key] = { ...shared, ...(isRecord(own) ? own : {}) };
  }
  return merged;
}

/** Every string in a config, replaced by `change(text, dotted path)`. */
function mapStrings(config: Record<string, unknown>, change: (text: string, path: string) => unknown): Record<string, unknown> {
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === "string") return change(value, path);
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, walk(inner, path === "" ? key : `${path}.${key}`)]));
    return value;
  };
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, walk(value, key)]));
}

/** Workspace checks as SQL checks; a call of no known check is an issue at its place. */
function resolveChecks(checks: readonly Check[], workspace: Workspace, cell: AssetCell, report: Report): Check[] {
  return checks.map((check): Check => {
    if (check.type !== "call") return check;
    const at = { line: check.line ?? cell.line, column: check.column ?? 1 };
    const definition = workspace.checks.get(check.name);
    if (definition === undefined) {
      report(at.line, at.column, `unknown check "${check.name}"${didYouMean(check.name, [...CHECK_NAMES, ...workspace.checks.keys()])}`, "checks");
      return check;
    }
    if (definition.args.length !== check.args.length) {
      const wanted = definition.args.length === 0 ? "no arguments" : `${definition.args.length} argument${definition.args.length === 1 ? "" : "s"}: ${check.name}(${definition.args.join(", ")})`;
      report(at.line, at.column, `check ${check.name} takes ${wanted}`, "checks");
      return check;
    }
    const values = new Map(definition.args.map((arg, i) => [arg, check.args[i] ?? ""]));
    const sql = definition.sql.replace(/\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}/g, (whole: string, arg: string) => values.get(arg) ?? whole);
    return { type: "sql", name: `${check.name}(${check.args.join(", ")})`, sql: substituteVars(sql, workspace.vars, "sql", workspace.params).text, severity: check.severity, line: at.line };
  });
}

function checkSql(checks: readonly Check[]): string[] {
  return checks.flatMap((check) => (check.type === "sql" ? [check.sql] : []));
}

/**
 * A YAML value that is one quoted placeholder (`trees: "{{ params.trees }}"`) takes the value's
 * type before the cell's schema reads it, so a number stays a number. Lines do not move.
 */
function wholeYamlValues(text: string, file: string, workspace: Workspace, given: Readonly<Record<string, string>> | undefined): string {
  if (!hasVars(text)) return text;
  const notebook = parseNotebook(text, file).notebook;
  if (notebook === undefined) return text;
  const params = runParams(notebook, given, []);
  const lines = splitLines(text);
  // Only in YAML cells: in SQL, a quoted placeholder is the user's own string literal.
  for (const block of scanNotebook(text).blocks) {
    if (block.type !== "fence" || block.kind === "sql") continue;
    const count = block.body === "" ? 0 : block.body.split("\n").length;
    for (let i = block.bodyLine - 1; i < block.bodyLine - 1 + count; i++) {
      lines[i] = (lines[i] ?? "").replace(/(["'])\{\{\s*(var|params)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}\1/g, (whole: string, _quote: string, namespace: string, name: string) => {
        const values = namespace === "params" ? params : workspace.vars;
        if (!values.has(name)) return whole;
        const value = values.get(name) ?? null;
        return typeof value === "string" ? JSON.stringify(value) : String(value);
      });
    }
  }
  return lines.join("\n");
}

export type WorkspaceParseResult = (ParseResult & { ok: true } & Pick<AppliedNotebook, "macrosOf" | "macros">) | Extract<ParseResult, { ok: false }>;

/**
 * A notebook as it runs in `workspace`: parsed, then the workspace applied. Every issue of
 * both steps, in file order (a partly parsed notebook gets its workspace issues too).
 */
export function parseNotebookIn(text: string, file: string, workspace: Workspace, params?: Readonly<Record<string, string>>): WorkspaceParseResult {
  const parsed = parseNotebook(wholeYamlValues(text, file, workspace, params), file);
  if (parsed.notebook === undefined) return parsed.ok ? { ok: false, issues: [] } : parsed;
  const applied = applyWorkspace(placeCells(parsed.notebook), workspace, params);
  const issues = [...(parsed.ok ? [] : parsed.issues), ...applied.issues].sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length > 0) return { ok: false, issues, notebook: applied.notebook };
  return { ok: true, notebook: applied.notebook, macrosOf: applied.macrosOf, macros: applied.macros };
}
