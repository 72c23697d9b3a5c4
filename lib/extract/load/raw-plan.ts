// How a file the warehouse read itself (a "raw" table: the reader's columns and types, rows
// in the file's order) becomes this run's staged rows, with exactly the names, types,
// column order and values the page path gives the same records (flatten, inferSchema,
// coerceValue). Pure: the profile of the raw table comes in, a plan or the reason the page
// path must take the file goes out. raw-table.ts runs it.
import type { LogicalType } from "../../warehouse/types";
import type { ColumnNamer } from "../normalize/names";

/** What the page path makes of a reader type's values (duckdb-values.ts, then inferType). */
export type SourceKind = "boolean" | "integer" | "fractional" | "date" | "timestamp" | "text";

/**
 * The reader types whose values the page path reads one way only. Others are left to it:
 * wide integers (text beyond int64), nested types (child tables), times, intervals, blobs,
 * and timestamps with a zone or another precision (their text differs).
 */
export function sourceKind(type: string): SourceKind | null {
  const upper = type.toUpperCase();
  if (upper === "BOOLEAN") return "boolean";
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER)$/.test(upper)) return "integer";
  if (/^(FLOAT|REAL|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/.test(upper)) return "fractional";
  if (upper === "DATE") return "date";
  if (upper === "TIMESTAMP") return "timestamp";
  if (upper === "VARCHAR") return "text";
  return null;
}

/** One raw column's values, as the profile query found them. */
export interface ColumnProfile {
  nonNull: number;
  /** Position of its first value that is not NULL (null when it has none). */
  first: number | null;
  /** fractional: every value is a whole number an int64 holds. */
  whole: boolean | null;
  /** date, timestamp: every value is finite, in years 1 to 9999. */
  ordinary: boolean | null;
  /** text: some value reads as a date or a timestamp. */
  temporalText: boolean | null;
  /** timestamp: every value is a whole millisecond already. */
  millisExact: boolean | null;
}

export interface RawColumn {
  name: string;
  type: string;
}

export interface PlannedColumn {
  /** The raw (source) column. */
  source: string;
  /** Its normalized name. */
  name: string;
  kind: SourceKind;
  type: LogicalType;
}

export type RawPlan = { ok: true; columns: PlannedColumn[] } | { ok: false; reason: string };

/**
 * The staged columns: every column with a value, typed as inferSchema types its values,
 * in the order the page path adds them (by its first value, row by row, then left to right).
 * Every column's name is claimed, in the file's order, as flatten claims them.
 */
export function planRawTable(columns: readonly RawColumn[], profiles: readonly ColumnProfile[], asset: string, namer: ColumnNamer): RawPlan {
  const blocker = rawColumnsBlocker(columns);
  if (blocker !== null) return { ok: false, reason: blocker };
  const typed: { column: RawColumn; kind: SourceKind; type: LogicalType | null; first: number | null }[] = [];
  for (const [index, column] of columns.entries()) {
    const kind = sourceKind(column.type);
    const profile = profiles[index];
    if (kind === null || profile === undefined) return { ok: false, reason: `column "${column.name}" was not profiled` };
    const first = profile.nonNull === 0 ? null : profile.first;
    const type = first === null ? null : logicalType(kind, profile);
    if (first !== null && type === null) return { ok: false, reason: `column "${column.name}" holds values the page path reads as text` };
    typed.push({ column, kind, type, first });
  }
  // Names are claimed only once the plan holds (a fallback then claims them as the pages do).
  const planned: (PlannedColumn & { first: number; index: number })[] = [];
  for (const [index, { column, kind, type, first }] of typed.entries()) {
    const name = namer.name(asset, [column.name]);
    if (type !== null && first !== null) planned.push({ source: column.name, name, kind, type, first, index });
  }
  planned.sort((a, b) => a.first - b.first || a.index - b.index);
  return { ok: true, columns: planned.map(({ source, name, kind, type }) => ({ source, name, kind, type })) };
}

/**
 * Why these columns must be read page by page whatever their values: a type only that path
 * reads; a name JavaScript puts first in a record's keys (an array index such as `2024`),
 * so the page path meets its columns in another order; `rowid`, which would hide DuckDB's
 * own row position.
 */
export function rawColumnsBlocker(columns: readonly RawColumn[]): string | null {
  for (const column of columns) {
    if (sourceKind(column.type) === null) return `column "${column.name}" is ${column.type}`;
    if (ARRAY_INDEX.test(column.name) && Number(column.name) < 2 ** 32 - 1) return `column "${column.name}" comes first in a JavaScript record`;
    if (column.name.toLowerCase() === "rowid") return `column "${column.name}" hides the row's position`;
  }
  return null;
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

function logicalType(kind: SourceKind, profile: ColumnProfile): LogicalType | null {
  switch (kind) {
    case "boolean":
      return "BOOLEAN";
    case "integer":
      return "BIGINT";
    case "fractional":
      return profile.whole === true ? "BIGINT" : "DOUBLE";
    case "date":
      return profile.ordinary === true ? "DATE" : null;
    case "timestamp":
      return profile.ordinary === true ? "TIMESTAMP" : null;
    case "text":
      return profile.temporalText === true ? null : "VARCHAR";
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
