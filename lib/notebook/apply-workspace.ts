// A parsed notebook with its workspace applied (workspace-file.ts): `{{ var.name }}` replaced
// (a SQL literal in SQL, plain text in an extract's strings), `connection:` merged into its
// extract cells, workspace checks (`positive(amount)`) turned into their SQL, and the macros
// each SQL cell calls named. Pure; whatever does not resolve is an issue at its place.
import { placeCells } from "./placement";
import { CHECK_NAMES } from "./check-list";
import { parseNotebook } from "./parse";
import { scanNotebook, splitLines } from "./scan";
import { canonicalJson, stableHash } from "./stable-hash";
import { extractConfigSchema } from "./schemas/extract";
import { didYouMean } from "./suggest";
import type { AssetCell, CellMacro, Check, Notebook, NotebookIssue, ParseResult } from "./types";
import { resolveParams } from "./params";
import type { ConnectionDef, VarValue, Workspace } from "./workspace-file";
import { describeIssues } from "./zod-issues";
import { isRecord } from "../guards";

export interface AppliedNotebook {
  notebook: Notebook;
  issues: NotebookIssue[];
  /** The workspace macros each cell calls (lower-case cell name → macro names), for its definition and reruns. */
  macrosOf: ReadonlyMap<string, readonly string[]>;
  /** The macros the cells call (and those they call), in creation order: a host creates them before running the cells. */
  macros: PhysicalMacro[];
}

const VAR = /\{\{\s*(var|params)\b([^{}]*)\}\}/g;
/** A string that is one placeholder and nothing else: its value keeps its type (a whole ML or extract config value). */
const WHOLE = /^\{\{\s*(var|params)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const VAR_INSIDE = /^\.([A-Za-z_][A-Za-z0-9_]*)$/;

export function hasVars(text: string): boolean {
  return new RegExp(VAR.source).test(text);
}

/** A variable's value as a SQL literal. */
export function sqlLiteral(value: VarValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  if (typeof value === "number") return String(value);
  return `'${value.replaceAll("'", "''")}'`;
}

interface VarProblem {
  offset: number;
  message: string;
}

/**
 * `text` with each `{{ var.name }}` (the workspace's) and `{{ params.name }}` (the run's)
 * replaced; an unknown one stays (NULL in SQL, so the SQL still parses) and is a problem.
 */
export function substituteVars(text: string, vars: Workspace["vars"], target: "sql" | "text", params: Workspace["params"] = new Map()): { text: string; problems: VarProblem[] } {
  const problems: VarProblem[] = [];
  const out = text.replace(VAR, (whole: string, namespace: string, inside: string, offset: number) => {
    const isParam = namespace === "params";
    const name = VAR_INSIDE.exec(inside.trim())?.[1];
    if (name === undefined) {
      problems.push({ offset, message: `${whole} is not a ${isParam ? "parameter" : "variable"}: write {{ ${namespace}.<name> }}` });
      return target === "sql" ? "NULL" : whole;
    }
    const values = isParam ? params : vars;
    if (!values.has(name)) {
      const known = [...values.keys()];
      problems.push({
        offset,
        message: isParam
          ? `unknown parameter "${name}"${didYouMean(name, known)}: declare it under params: in the front matter`
          : `unknown variable "${name}"${didYouMean(name, known)}: define it under vars: in assetbook.yml`,
      });
      return target === "sql" ? "NULL" : whole;
    }
    const value = values.get(name) ?? null;
    return target === "sql" ? sqlLiteral(value) : String(value ?? "");
  });
  return { text: out, problems };
}

/** A config string that is one placeholder: its typed value; otherwise the text with placeholders replaced. */
function configValue(text: string, workspace: Workspace, report: (message: string) => void): unknown {
  const whole = WHOLE.exec(text.trim());
  if (whole) {
    const values = whole[1] === "params" ? (workspace.params ?? new Map()) : workspace.vars;
    if (values.has(whole[2] ?? "")) return values.get(whole[2] ?? "") ?? null;
  }
  const done = substituteVars(text, workspace.vars, "text", workspace.params);
  for (const problem of done.problems) report(problem.message);
  return done.text;
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

function missingMacro(name: string): never {
  throw new Error(`no macro ${name}`);
}

/** The physical macros `used` need, the ones they call first, so each is created after what it calls. */
function macrosNeeded(physical: ReadonlyMap<string, PhysicalMacro>, used: ReadonlySet<string>): PhysicalMacro[] {
  const ordered: PhysicalMacro[] = [];
  const seen = new Set<string>();
  const visit = (key: string) => {
    const macro = physical.get(key);
    if (!macro || seen.has(key)) return;
    seen.add(key);
    for (const inner of calledPhysical(macro, physical)) visit(inner.toLowerCase());
    ordered.push(macro);
  };
  for (const key of [...used].sort()) visit(key);
  return ordered;
}

/** The workspace macros a physical macro's (already qualified) body calls. */
function calledPhysical(macro: PhysicalMacro, physical: ReadonlyMap<string, PhysicalMacro>): string[] {
  const body = macro.table ?? macro.sql ?? "";
  return [...physical.values()].filter((other) => body.includes(`${other.schema}.${other.name}(`) || body.includes(`${other.schema}.${other.name} (`)).map((other) => other.macro);
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

/** Where `sql` calls one of `macros`: each call's name as written, and its offset. */
function macroOccurrences(sql: string, macros: ReadonlyMap<string, string>): { offset: number; length: number; name: string }[] {
  const found: { offset: number; length: number; name: string }[] = [];
  if (macros.size === 0) return found;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? "";
    const next = sql[i + 1] ?? "";
    if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end + 1;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      i = j + 1;
    } else if (/[A-Za-z_]/.test(ch)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j] ?? "")) j++;
      let k = j;
      while (k < sql.length && /\s/.test(sql[k] ?? "")) k++;
      // `a.b(` is a qualified function, not the workspace's.
      const qualified = i > 0 && sql[i - 1] === ".";
      const name = macros.get(sql.slice(i, j).toLowerCase());
      if (sql[k] === "(" && !qualified && name !== undefined) found.push({ offset: i, length: j - i, name });
      i = j;
    } else i++;
  }
  return found;
}

/**
 * The names among `macros` that `sql` calls: an identifier followed by `(`, outside strings,
 * quoted identifiers and comments. (DuckDB's parser would say the same, but the browser's
 * build has no JSON serializer for the statement tree.)
 */
export function macroCalls(sql: string, macros: readonly string[]): string[] {
  const byName = new Map(macros.map((name) => [name.toLowerCase(), name]));
  return [...new Set(macroOccurrences(sql, byName).map((call) => call.name))].sort();
}

/** The schema workspace macros are created in, each under a name that carries a hash of its content. */
export const MACRO_SCHEMA = "_assetbook";

/**
 * A workspace macro as the warehouse holds it: named by its content (`cents_to_dollars__3f2a…`),
 * so environments and production never redefine one another's, and a changed macro changes
 * the SQL of every cell that calls it (its plan and its rerun follow from that).
 */
export type PhysicalMacro = CellMacro;

/** Every workspace macro's physical form, macros calling macros resolved; a cycle is an error naming it. */
export function physicalMacros(workspace: Workspace): Map<string, PhysicalMacro> {
  const byName = new Map(workspace.macros.map((macro) => [macro.name.toLowerCase(), macro]));
  const names = new Map(workspace.macros.map((macro) => [macro.name.toLowerCase(), macro.name]));
  const done = new Map<string, PhysicalMacro>();
  const visiting: string[] = [];
  const resolve = (key: string): PhysicalMacro => {
    const known = done.get(key);
    if (known) return known;
    const macro = byName.get(key);
    if (!macro) throw new Error(`no macro ${key}`);
    if (visiting.includes(key)) throw new MacroCycleError([...visiting.slice(visiting.indexOf(key)), key].map((k) => byName.get(k)?.name ?? k));
    visiting.push(key);
    // A macro may use the workspace's variables: its body (and so its name) differs per target.
    const body = substituteVars(macro.table ?? macro.sql ?? "", workspace.vars, "sql").text;
    const rewritten = rewriteCalls(body, names, (name) => resolve(name.toLowerCase()));
    visiting.pop();
    const content = { args: macro.args, ...(macro.table !== undefined ? { table: rewritten } : { sql: rewritten }) };
    const physical: PhysicalMacro = { macro: macro.name, schema: MACRO_SCHEMA, name: `${macro.name}__${stableHash(canonicalJson(content)).slice(0, 12)}`, ...content };
    done.set(key, physical);
    return physical;
  };
  for (const key of byName.keys()) resolve(key);
  return done;
}

export class MacroCycleError extends Error {
  constructor(readonly cycle: string[]) {
    super(`the workspace's macros call each other in a cycle: ${cycle.join(" -> ")}`);
    this.name = "MacroCycleError";
  }
}

/** `sql` with each call of a workspace macro qualified by its physical name. */
function rewriteCalls(sql: string, names: ReadonlyMap<string, string>, physicalOf: (name: string) => PhysicalMacro): string {
  let out = "";
  let last = 0;
  for (const call of macroOccurrences(sql, names)) {
    const physical = physicalOf(call.name);
    out += `${sql.slice(last, call.offset)}${physical.schema}.${physical.name}`;
    last = call.offset + call.length;
  }
  return out + sql.slice(last);
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
