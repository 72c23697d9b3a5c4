// Each check becomes one query that returns the failing rows of a table; a check
// passes when that query returns none. Backend-neutral SQL (DuckDB and PostgreSQL).
import { customCheckQuery, expressionCheckSql } from "../notebook/custom-check";
import type { Check } from "../notebook/types";

export { stripTrailingSemicolon } from "../notebook/custom-check";
import { quoteIdent, quoteLiteral } from "../warehouse/types";

function literal(value: string | number | boolean): string {
  if (typeof value === "string") return quoteLiteral(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value);
}

/** SQL that selects the rows of `table` violating `check`. */
export function failingRowsSql(check: Check, table: string): string {
  const t = quoteIdent(table);
  switch (check.type) {
    case "not_null":
      return `SELECT * FROM ${t} WHERE ${quoteIdent(check.column)} IS NULL`;
    case "unique":
    case "unique_combination_of_columns": {
      const cols = check.columns.map(quoteIdent).join(", ");
      return `SELECT ${cols}, count(*) AS occurrences FROM ${t} GROUP BY ${cols} HAVING count(*) > 1`;
    }
    case "accepted_values": {
      const c = quoteIdent(check.column);
      return `SELECT * FROM ${t} WHERE ${c} IS NOT NULL AND ${c} NOT IN (${check.values.map(literal).join(", ")})`;
    }
    case "relationships": {
      const c = quoteIdent(check.column);
      const toCol = quoteIdent(check.toColumn);
      return (
        `SELECT child.* FROM ${t} AS child WHERE child.${c} IS NOT NULL AND NOT EXISTS ` +
        `(SELECT 1 FROM ${tableIdent(check.to)} AS parent WHERE parent.${toCol} = child.${c})`
      );
    }
    case "row_count": {
      const bounds: string[] = [];
      if (check.min !== undefined) bounds.push(`count(*) < ${check.min}`);
      if (check.max !== undefined) bounds.push(`count(*) > ${check.max}`);
      const having = bounds.length > 0 ? bounds.join(" OR ") : "FALSE";
      return `SELECT count(*) AS row_count FROM ${t} HAVING ${having}`;
    }
    case "freshness":
    case "recency": {
      const c = quoteIdent(check.column);
      return (
        `SELECT max(${c}) AS newest FROM ${t} HAVING max(${c}) IS NULL OR ` +
        `max(${c}) < CAST(current_timestamp AS TIMESTAMP) - INTERVAL '${check.maxAgeSeconds} seconds'`
      );
    }
    case "sql":
      return customCheckQuery(check.sql, t);
    case "expression_is_true":
      return customCheckQuery(expressionCheckSql(check.expression), t);
    case "accepted_range": {
      const c = quoteIdent(check.column);
      const [above, below] = check.inclusive ? [">=", "<="] : [">", "<"];
      const bounds = [
        check.min === undefined ? undefined : `${c} ${above} ${literal(check.min)}`,
        check.max === undefined ? undefined : `${c} ${below} ${literal(check.max)}`,
      ].filter((bound) => bound !== undefined);
      return `SELECT * FROM ${t} WHERE NOT (${bounds.join(" AND ")})`;
    }
    case "not_empty_string":
      return `SELECT * FROM ${t} WHERE trim(${quoteIdent(check.column)}) = ''`;
    case "equal_rowcount":
      return (
        `SELECT * FROM (SELECT (SELECT count(*) FROM ${t}) AS row_count, (SELECT count(*) FROM ${tableIdent(check.to)}) AS other_row_count) AS counts ` +
        `WHERE row_count <> other_row_count`
      );
    case "call":
      // applyWorkspace turns a workspace check into SQL before anything runs; one left here is not defined.
      throw new Error(`check "${check.name}" is not defined in the workspace file`);
    default: {
      const unreachable: never = check;
      throw new Error(`unknown check ${JSON.stringify(unreachable)}`);
    }
  }
}

/** A table as a check names it (`orders` or `raw.orders`), each part quoted. */
function tableIdent(name: string): string {
  return name.split(".").map(quoteIdent).join(".");
}

/** A short human name for a check, e.g. `not_null(day)` or `unique(a, b)`. */
export function checkLabel(check: Check): string {
  switch (check.type) {
    case "not_null":
      return `not_null(${check.column})`;
    case "unique":
      return `unique(${check.columns.join(", ")})`;
    case "accepted_values":
      return `accepted_values(${check.column})`;
    case "relationships":
      return `relationships(${check.column}, ${check.to}.${check.toColumn})`;
    case "row_count":
      return `row_count(${[check.min !== undefined ? `min=${check.min}` : "", check.max !== undefined ? `max=${check.max}` : ""].filter(Boolean).join(", ")})`;
    case "freshness":
      return `freshness(${check.column}, ${check.maxAgeSeconds}s)`;
    case "sql":
      return check.name;
    case "unique_combination_of_columns":
      return `unique_combination_of_columns(${check.columns.join(", ")})`;
    case "expression_is_true":
      return `expression_is_true(${check.expression})`;
    case "accepted_range":
      return `accepted_range(${[
        check.column,
        check.min !== undefined ? `min=${literal(check.min)}` : "",
        check.max !== undefined ? `max=${literal(check.max)}` : "",
        check.inclusive ? "" : "inclusive=false",
      ]
        .filter(Boolean)
        .join(", ")})`;
    case "not_empty_string":
      return `not_empty_string(${check.column})`;
    case "recency":
      return `recency(${check.column}, ${check.maxAgeSeconds}s)`;
    case "equal_rowcount":
      return `equal_rowcount(${check.to})`;
    case "call":
      return `${check.name}(${check.args.join(", ")})`;
    default: {
      const unreachable: never = check;
      throw new Error(`unknown check ${JSON.stringify(unreachable)}`);
    }
  }
}
