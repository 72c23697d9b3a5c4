// SQL for the preview table: the page of rows shown (and copied by the user), its count,
// per-column statistics and histograms. Plain strings, quoted with the Warehouse helpers.
import { quoteIdent, quoteLiteral, type Column } from "../warehouse/types";
import { columnKind } from "./column-kind";

export type FilterOp = "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "is_null" | "not_null";
export const FILTER_OPS: readonly FilterOp[] = ["=", "!=", "<", "<=", ">", ">=", "contains", "is_null", "not_null"];

export type FilterValue = string | number | boolean;

export interface Filter {
  column: string;
  op: FilterOp;
  /** Ignored by `is_null` and `not_null`; required by the others. */
  value?: FilterValue;
}

export type SortDirection = "asc" | "desc";

export interface SortKey {
  column: string;
  direction: SortDirection;
}

export interface PreviewRequest {
  table: string;
  sort?: readonly SortKey[];
  filters?: readonly Filter[];
  limit?: number;
  offset?: number;
}

export function isFilterOp(value: string): value is FilterOp {
  return FILTER_OPS.some((op) => op === value);
}

/** Whether the operator takes a value. */
export function opTakesValue(op: FilterOp): boolean {
  switch (op) {
    case "is_null":
    case "not_null":
      return false;
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
    case "contains":
      return true;
  }
}

function literal(value: FilterValue): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`filter value ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  // An untyped string literal: both DuckDB and PostgreSQL cast it to the column's type.
  return quoteLiteral(value);
}

/** One filter as a SQL condition. */
export function filterCondition(filter: Filter): string {
  const column = quoteIdent(filter.column);
  const { op, value } = filter;
  switch (op) {
    case "is_null":
      return `${column} IS NULL`;
    case "not_null":
      return `${column} IS NOT NULL`;
    case "contains": {
      if (value === undefined) throw new Error(`filter on "${filter.column}": contains needs a value`);
      const text = String(value);
      const escaped = text.replace(/[\\%_]/g, (c) => `\\${c}`);
      const escape = escaped === text ? "" : ` ESCAPE '\\'`;
      return `CAST(${column} AS VARCHAR) ILIKE ${quoteLiteral(`%${escaped}%`)}${escape}`;
    }
    case "=":
    case "!=":
    case "<":
    case "<=":
    case ">":
    case ">=":
      if (value === undefined) throw new Error(`filter on "${filter.column}": ${op} needs a value`);
      return `${column} ${op === "!=" ? "<>" : op} ${literal(value)}`;
  }
}

/** The WHERE clause of the filters (with its leading newline), or "" when there are none. */
export function whereClause(filters: readonly Filter[] | undefined): string {
  if (!filters || filters.length === 0) return "";
  return `\nWHERE ${filters.map(filterCondition).join("\n  AND ")}`;
}

function orderClause(sort: readonly SortKey[] | undefined): string {
  if (!sort || sort.length === 0) return "";
  const keys = sort.map((key) => `${quoteIdent(key.column)} ${key.direction === "asc" ? "ASC" : "DESC"} NULLS LAST`);
  return `\nORDER BY ${keys.join(", ")}`;
}

function count(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** The rows the preview shows: the SQL the user sees and copies. */
export function previewQuery(request: PreviewRequest): string {
  const limit = count("limit", request.limit);
  const offset = count("offset", request.offset);
  let sql = `SELECT *\nFROM ${quoteIdent(request.table)}${whereClause(request.filters)}${orderClause(request.sort)}`;
  if (limit !== undefined) sql += `\nLIMIT ${limit}`;
  if (offset !== undefined && offset > 0) sql += `\nOFFSET ${offset}`;
  return sql;
}

/** How many rows the filters keep; one row with column `n`. */
export function countQuery(request: Pick<PreviewRequest, "table" | "filters">): string {
  return `SELECT count(*) AS n\nFROM ${quoteIdent(request.table)}${whereClause(request.filters)}`;
}

export interface StatsOptions {
  /** `approx` (default) uses approx_count_distinct (DuckDB); `exact` uses count(DISTINCT). */
  distinct?: "approx" | "exact";
}

/** Aliases of the statistics of the column at `index` in `columnStatsQuery`'s single row. */
export function statsAliases(index: number): { nulls: string; distinct: string; min: string; max: string } {
  return { nulls: `c${index}_nulls`, distinct: `c${index}_distinct`, min: `c${index}_min`, max: `c${index}_max` };
}

/**
 * One scan, one row: `total` (rows) and per column i `c<i>_nulls` (null count),
 * `c<i>_distinct`, `c<i>_min` and `c<i>_max` (as VARCHAR; NULL for nested types).
 */
export function columnStatsQuery(table: string, columns: readonly Column[], options: StatsOptions = {}): string {
  const parts = ["count(*) AS total"];
  columns.forEach((column, index) => {
    const id = quoteIdent(column.name);
    const alias = statsAliases(index);
    const distinct = options.distinct === "exact" ? `count(DISTINCT ${id})` : `approx_count_distinct(${id})`;
    const comparable = columnKind(column.type) !== "complex";
    parts.push(
      `count(*) - count(${id}) AS ${alias.nulls}`,
      `${distinct} AS ${alias.distinct}`,
      comparable ? `CAST(min(${id}) AS VARCHAR) AS ${alias.min}` : `CAST(NULL AS VARCHAR) AS ${alias.min}`,
      comparable ? `CAST(max(${id}) AS VARCHAR) AS ${alias.max}` : `CAST(NULL AS VARCHAR) AS ${alias.max}`,
    );
  });
  return `SELECT\n  ${parts.join(",\n  ")}\nFROM ${quoteIdent(table)}`;
}

export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 5;

/** What `histogramQuery` returns for a column type: equal-width bins or the top values. */
export function histogramShape(type: string): "bins" | "top" | "none" {
  const kind = columnKind(type);
  switch (kind) {
    case "numeric":
    case "temporal":
      return "bins";
    case "boolean":
    case "text":
      return "top";
    case "complex":
      return "none";
  }
}

/**
 * Numeric and temporal columns: rows (bin, lo, hi, n) over ~20 equal-width bins of the
 * non-null values (temporal values as epoch seconds). Text and booleans: rows (value, n),
 * the 5 most frequent non-null values. Nested types: null (nothing to draw).
 */
export function histogramQuery(table: string, column: string, type: string, bins = HISTOGRAM_BINS): string | null {
  const id = quoteIdent(column);
  const from = quoteIdent(table);
  const shape = histogramShape(type);
  switch (shape) {
    case "none":
      return null;
    case "top":
      return [
        `SELECT CAST(${id} AS VARCHAR) AS value, count(*) AS n`,
        `FROM ${from}`,
        `WHERE ${id} IS NOT NULL`,
        `GROUP BY 1`,
        `ORDER BY n DESC, value`,
        `LIMIT ${TOP_VALUES}`,
      ].join("\n");
    case "bins": {
      const value = columnKind(type) === "temporal" ? `epoch(CAST(${id} AS TIMESTAMP))` : `CAST(${id} AS DOUBLE)`;
      const last = bins - 1;
      return [
        `WITH v AS (SELECT ${value} AS v FROM ${from} WHERE ${id} IS NOT NULL),`,
        `r AS (SELECT min(v) AS lo, max(v) AS hi FROM v)`,
        `SELECT`,
        `  least(coalesce(CAST(floor((v.v - r.lo) / nullif(r.hi - r.lo, 0) * ${bins}) AS INTEGER), 0), ${last}) AS bin,`,
        `  min(r.lo) AS lo, min(r.hi) AS hi, count(*) AS n`,
        `FROM v, r`,
        `GROUP BY 1`,
        `ORDER BY 1`,
      ].join("\n");
    }
  }
}
