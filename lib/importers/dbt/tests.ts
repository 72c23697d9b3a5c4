// dbt's schema tests (`tests:` / `data_tests:` in a model's YAML) as Assetbook checks: the
// generic ones and dbt-utils' common ones, by the same names. A test without an equivalent
// is reported, not dropped silently.
import { isRecord } from "../../guards";

export interface ConvertedCheck {
  /** The check as a check list writes it: `unique(order_id)`. */
  text: string;
  severity: "error" | "warn";
}

export type TestConversion = { ok: true; check: ConvertedCheck } | { ok: false; reason: string };

/** How `ref('x')` and `source('s', 't')` in a test's arguments read (the importer's table names). */
export interface TableNames {
  ref(name: string): string;
  source(source: string, table: string): string;
}

function literal(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** `ref('customers')`, `source('ecom', 'raw')` or a bare name, as a table name. */
function tableOf(value: unknown, names: TableNames): string | null {
  const text = String(value ?? "").trim();
  const ref = /^ref\(\s*['"](\w+)['"]\s*\)$/.exec(text);
  if (ref?.[1]) return names.ref(ref[1]);
  const source = /^source\(\s*['"](\w+)['"]\s*,\s*['"](\w+)['"]\s*\)$/.exec(text);
  if (source?.[1] && source[2]) return names.source(source[1], source[2]);
  return /^\w+(\.\w+)*$/.test(text) ? text : null;
}

const UNITS: Record<string, number> = { minute: 60, hour: 3600, day: 86400, week: 604800 };

/**
 * One test entry (a string like `unique`, or `{ name: args }`) on `column` (null: a
 * model-level test) as a check, or why it cannot be one.
 */
export function convertTest(entry: unknown, column: string | null, names: TableNames): TestConversion {
  const [name, rawArgs] = typeof entry === "string" ? [entry, {}] : isRecord(entry) && Object.keys(entry).length >= 1 ? testOf(entry) : ["", {}];
  const args = isRecord(rawArgs) ? { ...rawArgs, ...(isRecord(rawArgs.arguments) ? rawArgs.arguments : {}) } : {};
  const config = isRecord(args.config) ? args.config : {};
  const severity = String(config.severity ?? args.severity ?? "error").toLowerCase() === "warn" ? "warn" : "error";
  const ok = (text: string): TestConversion => ({ ok: true, check: { text, severity } });
  const col = column ?? (typeof args.column_name === "string" ? args.column_name : null);
  const needsColumn = (): TestConversion => ({ ok: false, reason: `test ${name} needs a column` });
  switch (name.replace(/^dbt_utils\./, "dbt_utils.")) {
    case "unique":
      return col ? ok(`unique(${col})`) : needsColumn();
    case "not_null":
      return col ? ok(`not_null(${col})`) : needsColumn();
    case "accepted_values": {
      const values = Array.isArray(args.values) ? args.values : [];
      if (!col || values.length === 0) return { ok: false, reason: "test accepted_values needs a column and values" };
      return ok(`accepted_values(${col}, [${values.map(literal).join(", ")}])`);
    }
    case "relationships": {
      const to = tableOf(args.to, names);
      if (!col || to === null || typeof args.field !== "string") return { ok: false, reason: "test relationships needs a column, to and field" };
      return ok(`relationships(${col}, ${to}.${args.field})`);
    }
    case "dbt_utils.expression_is_true": {
      if (typeof args.expression !== "string") return { ok: false, reason: "test dbt_utils.expression_is_true needs an expression" };
      // On a column, dbt-utils tests `<column> <expression>`.
      return ok(`expression_is_true(${col ? `${col} ${args.expression}` : args.expression})`);
    }
    case "dbt_utils.unique_combination_of_columns": {
      const columns = Array.isArray(args.combination_of_columns) ? args.combination_of_columns.map(String) : [];
      return columns.length > 0 ? ok(`unique_combination_of_columns(${columns.join(", ")})`) : { ok: false, reason: "test dbt_utils.unique_combination_of_columns needs combination_of_columns" };
    }
    case "dbt_utils.accepted_range": {
      if (!col) return needsColumn();
      const bounds = [
        args.min_value !== undefined ? `min=${literal(args.min_value)}` : "",
        args.max_value !== undefined ? `max=${literal(args.max_value)}` : "",
        args.inclusive === false ? "inclusive=false" : "",
      ].filter(Boolean);
      return bounds.length > 0 ? ok(`accepted_range(${[col, ...bounds].join(", ")})`) : { ok: false, reason: "test dbt_utils.accepted_range needs min_value or max_value" };
    }
    case "dbt_utils.not_empty_string":
      return col ? ok(`not_empty_string(${col})`) : needsColumn();
    case "dbt_utils.recency": {
      const unit = UNITS[String(args.datepart ?? "")];
      const field = typeof args.field === "string" ? args.field : col;
      const interval = Number(args.interval);
      if (unit === undefined || field === null || !Number.isFinite(interval)) return { ok: false, reason: `test dbt_utils.recency with datepart ${String(args.datepart)}: only minute, hour, day and week convert` };
      return ok(`recency(${field}, ${Math.round((interval * unit) / 60)}m)`);
    }
    case "dbt_utils.equal_rowcount": {
      const other = tableOf(args.compare_model, names);
      return other === null ? { ok: false, reason: "test dbt_utils.equal_rowcount needs compare_model" } : ok(`equal_rowcount(${other})`);
    }
    default:
      return { ok: false, reason: `test ${name || JSON.stringify(entry)} has no Assetbook check: write it as a custom check` };
  }
}

function testOf(entry: Record<string, unknown>): [string, unknown] {
  const [name, args] = Object.entries(entry)[0] ?? ["", {}];
  return [name, args];
}
