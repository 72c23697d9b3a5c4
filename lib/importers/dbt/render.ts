// dbt's Jinja rendered with nunjucks (Jinja-compatible): `ref`, `source`, `var`, `config`,
// `this`, `is_incremental`, `target`, the project's macros (with `adapter.dispatch` picking
// the DuckDB or default implementation), and a few of dbt's cross-database macros. Anything
// else is an error naming the file and line, which the importer reports.
import nunjucks from "nunjucks";
import type { ReportLine } from "./project";

// Jinja's Python spellings, which nunjucks alone reads wrong or not at all: `True`, `None`,
// `is none`, `dict.items()`, slices. (Global to nunjucks; this importer is its only user.)
nunjucks.installJinjaCompat();

export interface ModelConfig {
  materialized?: string;
  schema?: string;
  tags: string[];
  alias?: string;
  uniqueKey?: string;
  /** A test's `config(severity=…)`. */
  severity?: "warn" | "error";
}

export interface RenderContext {
  /** The table a `ref('name')` reads. */
  ref(name: string): string;
  /** The table a `source('source', 'table')` reads. */
  source(source: string, table: string): string;
  vars: Record<string, unknown>;
  /** Names whose macros come from packages (reported, not expanded). */
  packages: readonly string[];
  /** The model itself, for `{{ this }}`. */
  self: string;
}

export class RenderError extends Error {
  constructor(
    message: string,
    readonly line: number,
    /** The macro file the line is in, where the error is inside a macro the model called. */
    readonly file?: string,
  ) {
    super(message);
    this.name = "RenderError";
  }
}

/** The project's macros as one prelude to every model, and where each macro file's lines lie in it. */
export interface MacroLibrary {
  prelude: string;
  /** The macro files in the prelude, each with its first line there (1-based). */
  files: { file: string; first: number; lines: number }[];
  /** Macro files left out of the prelude, and why. */
  report: ReportLine[];
}

/**
 * Every project macro file that nunjucks reads, with `adapter.dispatch('m')` replaced by the
 * implementation DuckDB would get. A file it cannot read is reported at its own line and left
 * out, so that one file does not fail every model. Generic tests (`{% test %}`) and
 * materializations are dbt's, not macros a model calls: they are blanked, lines kept.
 */
export function macroLibrary(macroFiles: readonly { file: string; text: string }[]): MacroLibrary {
  const texts = macroFiles.map(({ file, text }) => ({ file, text: jinjaForNunjucks(withoutBlocks(text, ["test", "materialization"])) }));
  const defined = new Set(texts.flatMap(({ text }) => [...text.matchAll(/\{%-?\s*macro\s+(\w+)\s*\(/g)].map((match) => match[1] ?? "")));
  const report: ReportLine[] = [];
  const files: MacroLibrary["files"] = [];
  const kept: string[] = [];
  let next = 1;
  for (const { file, text } of texts) {
    const dispatched = text.replace(/adapter\.dispatch\(\s*['"](\w+)['"][^)]*\)/g, (whole: string, name: string) => {
      for (const candidate of [`duckdb__${name}`, `default__${name}`]) if (defined.has(candidate)) return candidate;
      return whole;
    });
    const problem = parseProblem(dispatched);
    if (problem !== null) {
      report.push({ file, line: problem.line, message: `${problem.message}: the macros of this file are not available to models` });
      continue;
    }
    const lines = dispatched.split("\n").length;
    files.push({ file, first: next, lines });
    kept.push(dispatched);
    next += lines;
  }
  return { prelude: kept.join("\n"), files, report };
}

/** A `{% name … %} … {% endname %}` block's text replaced by its line breaks (lines kept for errors). */
function withoutBlocks(text: string, names: readonly string[]): string {
  const block = new RegExp(`\\{%-?\\s*(${names.join("|")})\\b[\\s\\S]*?\\{%-?\\s*end\\1\\s*-?%\\}`, "g");
  return text.replace(block, (whole) => whole.replace(/[^\n]/g, ""));
}

/**
 * Jinja that nunjucks' parser refuses, written as nunjucks reads it: a trailing comma before
 * `)`, `]` or `}` inside a tag or an expression (`config(materialized="table",)`, common
 * in formatted projects). Only commas are removed, so every line keeps its number.
 */
export function jinjaForNunjucks(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const open = text.slice(i, i + 2);
    const close = open === "{{" ? "}}" : open === "{%" ? "%}" : open === "{#" ? "#}" : null;
    if (close === null) {
      out += text[i];
      i++;
      continue;
    }
    let j = i + 2;
    let quote: string | null = null;
    let inner = "";
    for (; j < text.length; j++) {
      const c = text[j] ?? "";
      if (quote !== null) {
        inner += c;
        if (c === "\\") {
          inner += text[j + 1] ?? "";
          j++;
        } else if (c === quote) quote = null;
        continue;
      }
      if (text.startsWith(close, j)) break;
      if (close !== "#}" && (c === "'" || c === '"')) quote = c;
      if (close !== "#}" && c === "," && closesAfterComma(text, j + 1, close)) continue;
      inner += c;
    }
    out += open + inner + (j < text.length ? close : "");
    i = j + 2;
  }
  return out;
}

/** Whether `)`, `]` or `}` follows position `at` past blanks, and is not the tag's own `close`. */
function closesAfterComma(text: string, at: number, close: string): boolean {
  const next = /\s*/y;
  next.lastIndex = at;
  next.exec(text);
  const k = next.lastIndex;
  return ")]}".includes(text[k] ?? "x") && !text.startsWith(close, k);
}

/** The first error nunjucks' parser finds in `text` (its line, 1-based), or null. */
function parseProblem(text: string): { line: number; message: string } | null {
  try {
    new nunjucks.Template(text, new nunjucks.Environment(null, { autoescape: false }), undefined, true);
    return null;
  } catch (error) {
    const raw = error instanceof Error ? error.message : String(error);
    const at = /\[Line (\d+), Column \d+\]/.exec(raw);
    return { line: Math.max(1, Number(at?.[1] ?? 1)), message: messageOf(raw).split("\n")[0] ?? raw };
  }
}

function messageOf(raw: string): string {
  return raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/s, "").replace(/^Error:\s*/, "").trim();
}

/** nunjucks passes a call's keyword arguments as a last object marked `__keywords`. */
function isKeywords(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "__keywords" in value;
}

function keywordsOf(args: unknown[]): Record<string, unknown> {
  const last = args[args.length - 1];
  return isKeywords(last) ? last : {};
}

/** dbt's cross-database macros that have a plain DuckDB spelling. */
const DBT_MACROS: Record<string, (...args: unknown[]) => string> = {
  date_trunc: (part, expr) => `date_trunc('${String(part)}', ${String(expr)})`,
  dateadd: (part, amount, expr) => `(${String(expr)} + (${String(amount)}) * interval 1 ${String(part)})`,
  datediff: (from, to, part) => `date_diff('${String(part)}', ${String(from)}, ${String(to)})`,
  safe_cast: (expr, type) => `try_cast(${String(expr)} as ${String(type)})`,
  concat: (fields) => `concat(${Array.isArray(fields) ? fields.map(String).join(", ") : String(fields)})`,
  current_timestamp: () => "current_timestamp",
  type_string: () => "varchar",
  type_int: () => "integer",
  type_bigint: () => "bigint",
  type_float: () => "double",
  type_numeric: () => "numeric(28, 6)",
  type_timestamp: () => "timestamp",
  type_boolean: () => "boolean",
};

/**
 * The few package macros nearly every project calls, spelled as dbt-utils spells them for
 * DuckDB (the same values). Any other package macro is reported.
 */
const DBT_UTILS_MACROS: Record<string, (...args: unknown[]) => string> = {
  generate_surrogate_key: (fields) =>
    `md5(cast(${(Array.isArray(fields) ? fields : [fields]).map((field) => `coalesce(cast(${String(field)} as varchar), '_dbt_utils_surrogate_key_null_')`).join(" || '-' || ")} as varchar))`,
};

/** Renders one file of dbt Jinja; the macro library's prelude is prepended, and an error names the file and line it is in. */
export function renderDbt(text: string, context: RenderContext, library: MacroLibrary = { prelude: "", files: [], report: [] }): { sql: string; config: ModelConfig } {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
  const config: ModelConfig = { tags: [] };
  env.addGlobal("ref", (...args: unknown[]) => context.ref(String(args.length > 1 && typeof args[1] === "string" ? args[1] : args[0])));
  env.addGlobal("source", (source: unknown, table: unknown) => context.source(String(source), String(table)));
  env.addGlobal("var", (name: unknown, fallback?: unknown) => {
    const key = String(name);
    if (key in context.vars) return context.vars[key];
    if (fallback !== undefined && !isKeywords(fallback)) return fallback;
    throw new Error(`var("${key}") has no value in dbt_project.yml and no default`);
  });
  env.addGlobal("config", (...args: unknown[]) => {
    const keywords = keywordsOf(args);
    if (typeof keywords.materialized === "string") config.materialized = keywords.materialized;
    if (typeof keywords.schema === "string") config.schema = keywords.schema;
    if (typeof keywords.alias === "string") config.alias = keywords.alias;
    const key = keywords.unique_key;
    if (typeof key === "string") config.uniqueKey = key;
    if (Array.isArray(key)) config.uniqueKey = key.map(String).join(", ");
    const severity = typeof keywords.severity === "string" ? keywords.severity.toLowerCase() : undefined;
    if (severity === "warn" || severity === "error") config.severity = severity;
    const tags = keywords.tags;
    if (typeof tags === "string") config.tags.push(tags);
    if (Array.isArray(tags)) config.tags.push(...tags.map(String));
    return "";
  });
  env.addGlobal("is_incremental", () => false);
  env.addGlobal("return", (value: unknown) => value);
  env.addGlobal("env_var", (name: unknown, fallback?: unknown) => {
    if (typeof fallback === "string") return fallback;
    throw new Error(`env_var("${String(name)}") has no default`);
  });
  env.addGlobal("this", context.self);
  env.addGlobal("target", { name: "dev", type: "duckdb", schema: "main", database: "main", threads: 1 });
  env.addGlobal("dbt", DBT_MACROS);
  if (context.packages.includes("dbt_utils")) env.addGlobal("dbt_utils", DBT_UTILS_MACROS);
  env.addGlobal("run_started_at", { strftime: () => new Date().toISOString() });
  const { prelude } = library;
  const preludeLines = prelude === "" ? 0 : prelude.split("\n").length;
  const source = prelude === "" ? jinjaForNunjucks(text) : `${prelude}\n${jinjaForNunjucks(text)}`;
  let template: nunjucks.Template;
  try {
    template = new nunjucks.Template(source, env, undefined, true);
  } catch (error) {
    // The parser counts lines from 1.
    throw renderError(error, 0, preludeLines, library, context.packages);
  }
  try {
    return { sql: template.render({}).trim(), config };
  } catch (error) {
    // An error while rendering counts its line from 0.
    throw renderError(error, 1, preludeLines, library, context.packages);
  }
}

function renderError(error: unknown, shift: number, preludeLines: number, library: MacroLibrary, packages: readonly string[]): RenderError {
  const raw = error instanceof Error ? error.message : String(error);
  // nunjucks: "(unknown path) [Line 12, Column 5]\n  Error: Unable to call `dbt_utils["star"]`, which is undefined or falsey"
  const at = /\[Line (\d+), Column \d+\]/.exec(raw);
  // No line given: nunjucks leaves out a line 0 (the first).
  const sourceLine = at === null ? 1 : Number(at[1]) + shift;
  const inMacro = sourceLine <= preludeLines ? library.files.find((file) => sourceLine >= file.first && sourceLine < file.first + file.lines) : undefined;
  const line = inMacro !== undefined ? sourceLine - inMacro.first + 1 : Math.max(1, sourceLine - preludeLines);
  const error_ = (message: string) => new RenderError(message, line, inMacro?.file);
  const message = messageOf(raw);
  const call = /Unable to call `(\w+)\["?(\w+)"?\]`/.exec(message) ?? /Unable to call `(\w+)`/.exec(message);
  const owner = call?.[1];
  if (owner !== undefined && packages.includes(owner)) return error_(`package ${owner}: macro ${owner}.${call?.[2] ?? ""} is not expanded (packages are not imported)`);
  if (owner === "adapter") return error_(`adapter.${call?.[2] ?? "…"} is not expanded: a macro of the warehouse adapter`);
  if (owner !== undefined) return error_(`macro ${call?.[2] ? `${owner}.${call[2]}` : owner} cannot be expanded: not a macro of the project`);
  return error_(message.split("\n")[0] ?? message);
}

/** A report line from a render error in `file` (at the macro's line where the error is in a macro the model called). */
export function reportOf(file: string, error: unknown): ReportLine {
  if (error instanceof RenderError && error.file !== undefined) return { file: error.file, line: error.line, message: `${error.message} (rendering ${file})` };
  if (error instanceof RenderError) return { file, line: error.line, message: error.message };
  return { file, line: 1, message: error instanceof Error ? error.message : String(error) };
}
