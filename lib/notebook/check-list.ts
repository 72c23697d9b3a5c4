// The check-list syntax: `not_null(day), unique(a, b), row_count(min=1), freshness(at, 24h)`.
// Used by SQL header comments (`-- checks: …`) and by `checks:` / `warn:` in YAML cells.
import type { Check, CheckLiteral, Severity } from "./types";
import { splitTopLevel, type Piece } from "./split";
import { parseColumnName, parseDuration, TABLE_NAME_PATTERN } from "./values";

export const CHECK_NAMES = [
  "not_null",
  "unique",
  "accepted_values",
  "relationships",
  "row_count",
  "freshness",
  // dbt-utils' common tests, by their dbt names.
  "unique_combination_of_columns",
  "expression_is_true",
  "accepted_range",
  "not_empty_string",
  "recency",
  "equal_rowcount",
] as const;
type CheckName = (typeof CHECK_NAMES)[number];

export interface CheckListError {
  /** Offset in the parsed text where the problem starts. */
  offset: number;
  message: string;
}

export interface CheckListResult {
  checks: Check[];
  /** Offset of each check in the parsed text (parallel to `checks`). */
  offsets: number[];
  errors: CheckListError[];
}

class CheckSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

function isCheckName(name: string): name is CheckName {
  return CHECK_NAMES.some((known) => known === name);
}

export function parseCheckList(text: string, severity: Severity): CheckListResult {
  const result: CheckListResult = { checks: [], offsets: [], errors: [] };
  if (text.trim() === "") return result;
  for (const piece of splitTopLevel(text)) {
    try {
      result.checks.push(parseOneCheck(piece, severity));
      result.offsets.push(piece.offset);
    } catch (error) {
      if (!(error instanceof CheckSyntaxError)) throw error;
      result.errors.push({ offset: error.offset, message: error.message });
    }
  }
  return result;
}

function parseOneCheck(piece: Piece, severity: Severity): Check {
  if (piece.text === "") throw new CheckSyntaxError("empty check (stray comma?)", piece.offset);
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\s*\(([\s\S]*)\)$/.exec(piece.text);
  if (!call) {
    throw new CheckSyntaxError(`expected a check like not_null(column), got "${piece.text}"`, piece.offset);
  }
  const name = call[1] ?? "";
  const argsText = call[2] ?? "";
  const argsOffset = piece.offset + piece.text.indexOf("(") + 1;
  if (!isCheckName(name)) {
    // Maybe the workspace file's: applyWorkspace resolves it, or names it unknown at its place.
    const args = argsText.trim() === "" ? [] : splitTopLevel(argsText).map((arg) => arg.text);
    return { type: "call", name, args, severity };
  }
  if (name === "expression_is_true") {
    // The expression is SQL: its commas and parentheses are its own. The graph parses it.
    const expression = argsText.trim();
    if (expression === "") throw new CheckSyntaxError("expression_is_true takes a SQL expression: expression_is_true(amount >= 0)", piece.offset);
    return { type: "expression_is_true", expression, severity };
  }
  const args = argsText.trim() === "" ? [] : splitTopLevel(argsText).map((a) => ({ ...a, offset: a.offset + argsOffset }));
  return buildCheck(name, args, severity, piece.offset);
}

function expectArgs(name: CheckName, args: Piece[], count: number, usage: string, offset: number): void {
  if (args.length !== count) throw new CheckSyntaxError(`${name} takes ${usage}`, args[count]?.offset ?? offset);
}

function column(arg: Piece | undefined, offset: number): string {
  const parsed = arg ? parseColumnName(arg.text) : undefined;
  if (parsed === undefined) throw new CheckSyntaxError(`expected a column name, got "${arg?.text ?? ""}"`, arg?.offset ?? offset);
  return parsed;
}

function buildCheck(name: CheckName, args: Piece[], severity: Severity, offset: number): Check {
  switch (name) {
    case "not_null":
      expectArgs(name, args, 1, "one column: not_null(column)", offset);
      return { type: "not_null", column: column(args[0], offset), severity };
    case "unique":
      if (args.length === 0) throw new CheckSyntaxError("unique takes one or more columns: unique(a, b)", offset);
      return { type: "unique", columns: args.map((a) => column(a, offset)), severity };
    case "accepted_values": {
      expectArgs(name, args, 2, "a column and a list: accepted_values(column, ['a', 'b'])", offset);
      return { type: "accepted_values", column: column(args[0], offset), values: valueList(args[1], offset), severity };
    }
    case "relationships": {
      expectArgs(name, args, 2, "a column and a target: relationships(column, table.column)", offset);
      const target = args[1];
      if (!target || !TABLE_NAME_PATTERN.test(target.text) || !target.text.includes(".")) {
        throw new CheckSyntaxError(`expected table.column, got "${target?.text ?? ""}"`, target?.offset ?? offset);
      }
      const dot = target.text.lastIndexOf(".");
      return {
        type: "relationships",
        column: column(args[0], offset),
        to: target.text.slice(0, dot),
        toColumn: target.text.slice(dot + 1),
        severity,
      };
    }
    case "row_count":
      return rowCount(args, severity, offset);
    case "freshness":
    case "recency": {
      expectArgs(name, args, 2, `a column and a maximum age: ${name}(column, 24h)`, offset);
      return { type: name, column: column(args[0], offset), maxAgeSeconds: maxAge(args[1], offset), severity };
    }
    case "unique_combination_of_columns":
      if (args.length < 1) throw new CheckSyntaxError(`${name} takes one or more columns: ${name}(a, b)`, offset);
      return { type: name, columns: args.map((a) => column(a, offset)), severity };
    case "expression_is_true":
      throw new Error("expression_is_true is read before its arguments are split");
    case "accepted_range":
      return acceptedRange(args, severity, offset);
    case "not_empty_string":
      expectArgs(name, args, 1, "one column: not_empty_string(column)", offset);
      return { type: name, column: column(args[0], offset), severity };
    case "equal_rowcount": {
      expectArgs(name, args, 1, "a table: equal_rowcount(other_table)", offset);
      const target = args[0];
      if (!target || !TABLE_NAME_PATTERN.test(target.text)) throw new CheckSyntaxError(`expected a table name, got "${target?.text ?? ""}"`, target?.offset ?? offset);
      return { type: name, to: target.text, severity };
    }
    default: {
      const unreachable: never = name;
      throw new Error(`unhandled check ${String(unreachable)}`);
    }
  }
}

function maxAge(age: Piece | undefined, offset: number): number {
  const seconds = age ? parseDuration(age.text) : undefined;
  if (!age || seconds === undefined || seconds <= 0) {
    throw new CheckSyntaxError(`expected a duration like 30m, 24h or 7d, got "${age?.text ?? ""}"`, age?.offset ?? offset);
  }
  return seconds;
}

/** `accepted_range(col, min=0, max=100, inclusive=false)`: dbt-utils' bounds, inclusive unless told. */
function acceptedRange(args: Piece[], severity: Severity, offset: number): Check {
  const [first, ...rest] = args;
  const range: { min?: CheckLiteral; max?: CheckLiteral; inclusive: boolean } = { inclusive: true };
  const seen = new Set<string>();
  for (const arg of rest) {
    const named = /^(min|max|inclusive)\s*=\s*([\s\S]+)$/.exec(arg.text);
    if (!named) throw new CheckSyntaxError(`expected min=…, max=… or inclusive=true|false, got "${arg.text}"`, arg.offset);
    const key = named[1] ?? "";
    if (seen.has(key)) throw new CheckSyntaxError(`${key} is given twice`, arg.offset);
    seen.add(key);
    const value = literal({ text: (named[2] ?? "").trim(), offset: arg.offset + arg.text.indexOf("=") + 1 });
    if (key === "inclusive") {
      if (typeof value !== "boolean") throw new CheckSyntaxError(`inclusive is true or false, got "${named[2]}"`, arg.offset);
      range.inclusive = value;
    } else if (key === "min") range.min = value;
    else range.max = value;
  }
  if (range.min === undefined && range.max === undefined) {
    throw new CheckSyntaxError("accepted_range takes a column and min=…, max=… or both: accepted_range(amount, min=0, max=100)", offset);
  }
  return { type: "accepted_range", column: column(first, offset), ...range, severity };
}

function rowCount(args: Piece[], severity: Severity, offset: number): Check {
  const bounds: { min?: number; max?: number } = {};
  for (const arg of args) {
    const named = /^(min|max)\s*=\s*(\d+)$/.exec(arg.text);
    if (!named) throw new CheckSyntaxError(`expected min=N or max=N, got "${arg.text}"`, arg.offset);
    const key = named[1] === "min" ? "min" : "max";
    if (bounds[key] !== undefined) throw new CheckSyntaxError(`${key} is given twice`, arg.offset);
    bounds[key] = Number(named[2]);
  }
  if (bounds.min === undefined && bounds.max === undefined) {
    throw new CheckSyntaxError("row_count needs min=N, max=N or both", offset);
  }
  if (bounds.min !== undefined && bounds.max !== undefined && bounds.min > bounds.max) {
    throw new CheckSyntaxError(`row_count min (${bounds.min}) is above max (${bounds.max})`, offset);
  }
  return { type: "row_count", ...bounds, severity };
}

function valueList(arg: Piece | undefined, offset: number): (string | number | boolean)[] {
  const list = arg ? /^\[([\s\S]*)\]$/.exec(arg.text) : null;
  if (!arg || !list) throw new CheckSyntaxError(`expected a list like ['a', 'b'], got "${arg?.text ?? ""}"`, arg?.offset ?? offset);
  const inner = list[1] ?? "";
  if (inner.trim() === "") throw new CheckSyntaxError("accepted_values needs at least one value", arg.offset);
  return splitTopLevel(inner).map((item) => literal({ ...item, offset: item.offset + arg.offset + 1 }));
}

function literal(item: Piece): string | number | boolean {
  const text = item.text;
  const single = /^'((?:[^']|'')*)'$/.exec(text);
  if (single) return (single[1] ?? "").replaceAll("''", "'");
  const double = /^"((?:[^"\\]|\\.)*)"$/.exec(text);
  if (double) return (double[1] ?? "").replace(/\\(.)/g, "$1");
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new CheckSyntaxError(`expected a quoted string, a number or true/false, got "${text}"`, item.offset);
}
