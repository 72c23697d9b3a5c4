// dbt's Jinja rendered with nunjucks (Jinja-compatible): `ref`, `source`, `var`, `config`,
// `this`, `is_incremental`, `target`, the project's macros (with `adapter.dispatch` picking
// the DuckDB or default implementation), and a few of dbt's cross-database macros. Anything
// else is an error naming the file and line, which the importer reports.
import nunjucks from "nunjucks";
import type { ReportLine } from "./project";

export interface ModelConfig {
  materialized?: string;
  schema?: string;
  tags: string[];
  alias?: string;
  uniqueKey?: string;
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
  ) {
    super(message);
    this.name = "RenderError";
  }
}

/** Every project macro's source, with `adapter.dispatch('m')` replaced by the implementation DuckDB would get. */
export function macroLibrary(macroFiles: readonly string[]): string {
  const text = macroFiles.join("\n");
  const defined = new Set([...text.matchAll(/\{%-?\s*macro\s+(\w+)\s*\(/g)].map((match) => match[1] ?? ""));
  return text.replace(/adapter\.dispatch\(\s*['"](\w+)['"][^)]*\)/g, (whole: string, name: string) => {
    for (const candidate of [`duckdb__${name}`, `default__${name}`]) if (defined.has(candidate)) return candidate;
    return whole;
  });
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

/** Renders one file of dbt Jinja; `prelude` (the macro library) is prepended, and error lines are the file's own. */
export function renderDbt(text: string, context: RenderContext, prelude = ""): { sql: string; config: ModelConfig } {
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
  const preludeLines = prelude === "" ? 0 : prelude.split("\n").length;
  try {
    const sql = env.renderString(prelude === "" ? text : `${prelude}\n${text}`, {});
    return { sql: sql.trim(), config };
  } catch (error) {
    throw renderError(error, preludeLines, context.packages);
  }
}

function renderError(error: unknown, preludeLines: number, packages: readonly string[]): RenderError {
  const raw = error instanceof Error ? error.message : String(error);
  // nunjucks: "(unknown path) [Line 12, Column 5]\n  Error: Unable to call `dbt_utils["star"]`, which is undefined or falsey"
  const at = /\[Line (\d+), Column \d+\]/.exec(raw);
  const line = Math.max(1, Number(at?.[1] ?? 1) - preludeLines);
  const message = raw.replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\])?\s*/s, "").replace(/^Error:\s*/, "").trim();
  const call = /Unable to call `(\w+)\["?(\w+)"?\]`/.exec(message) ?? /Unable to call `(\w+)`/.exec(message);
  const owner = call?.[1];
  if (owner !== undefined && packages.includes(owner)) return new RenderError(`package ${owner}: macro ${owner}.${call?.[2] ?? ""} is not expanded (packages are not imported)`, line);
  if (owner === "adapter") return new RenderError(`adapter.${call?.[2] ?? "…"} is not expanded: a macro of the warehouse adapter`, line);
  if (owner !== undefined) return new RenderError(`macro ${call?.[2] ? `${owner}.${call[2]}` : owner} cannot be expanded: not a macro of the project`, line);
  return new RenderError(message.split("\n")[0] ?? message, line);
}

/** A report line from a render error in `file`. */
export function reportOf(file: string, error: unknown): ReportLine {
  if (error instanceof RenderError) return { file, line: error.line, message: error.message };
  return { file, line: 1, message: error instanceof Error ? error.message : String(error) };
}
