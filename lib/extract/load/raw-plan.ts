// How a file the warehouse read itself (a "raw" table: the reader's columns and types, nested
// records as fields, rows in the file's order) becomes this run's staged rows, with exactly
// the names, types, column order and values the page path gives the same records (flatten,
// inferSchema, coerceValue). Pure: the raw columns and their profile come in, a plan or the
// reason the page path must take the file goes out. raw-table.ts runs it.
import type { LogicalType, RawColumn } from "../../warehouse/types";
import { snakeCase, NESTING_SEPARATOR, isInternalColumn, type ColumnNamer } from "../normalize/names";
import { isJsonObject } from "../normalize/json-value";

/** A column flatten adds to a row (an internal column: `_row_key`, `_parent_key`, ...), as SQL over the raw relation. */
export interface TrailingColumn {
  name: string;
  sql: string;
  type: "VARCHAR" | "BIGINT";
}

/** What the page path makes of a reader type's values (duckdb-values.ts or JSON.parse, then inferType). */
export type SourceKind = "boolean" | "integer" | "fractional" | "date" | "timestamp" | "text";

/**
 * The reader types whose values the page path reads one way only. Others are left to it:
 * wide integers (text beyond int64), lists (child tables), mixed JSON values, times,
 * intervals, blobs, and timestamps with a zone or another precision (their text differs).
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

/** A value column of the raw table: a column, or a field of a nested record (flattened as `a__b`), of any type (planRawTable refuses the types only the page path reads, unless they hold no value). */
export interface RawLeaf {
  /** The source path (`["map", "id"]`). */
  path: string[];
  /** SQL for its value over the raw table. */
  sql: string;
  type: string;
  /** Nested records it lies in, outermost first, as SQL (empty for a column). */
  parents: string[];
}

/** One leaf's values, as the profile query found them. */
export interface ColumnProfile {
  nonNull: number;
  /** Position of its first value that is not NULL (null when it has none). */
  first: number | null;
  /** fractional: every value is a whole number an int64 holds. */
  whole: boolean | null;
  /** fractional: every value is finite (asked of JSON sources only: DuckDB reads NaN, JSON.parse does not). */
  finite: boolean | null;
  /** text: position of its first value that is plain text (does not look like a date). */
  firstPlain: number | null;
  /** integer: every value is one a JavaScript number holds exactly (asked of JSON sources only). */
  safe: boolean | null;
  /** date, timestamp: every value is finite, in years 1 to 9999. */
  ordinary: boolean | null;
  /** text: how many values read as a date or timestamp to the page path, and how many of those SQL reads exactly so. */
  temporal: { looks: number; dates: number; timestamps: number } | null;
  /** timestamp: every value is a whole millisecond already. */
  millisExact: boolean | null;
}

export interface PlannedColumn {
  /** The source path. */
  path: string[];
  /** SQL for the raw value. */
  sql: string;
  /** Its normalized name. */
  name: string;
  kind: SourceKind;
  type: LogicalType;
  /** A text column typed as a date or timestamp: its values are parsed. */
  fromText: boolean;
}

export type RawPlan = { ok: true; columns: PlannedColumn[] } | { ok: false; reason: string };

/** A list field of the raw table, of which the page path makes a child table (`<table>__<field>`). */
export interface RawList {
  /** The source path (`["order", "items"]`). */
  path: string[];
  /** SQL for the list over the raw table. */
  sql: string;
  element: RawColumn;
  /** The depth its elements' fields lie at (flatten's PendingList.depth). */
  depth: number;
  /** Nested records it lies in, outermost first, as SQL (empty for a column). */
  parents: string[];
}

export type LeavesResult = { ok: true; leaves: RawLeaf[]; lists: RawList[] } | { ok: false; reason: string };

/**
 * The raw table's value columns, nested records flattened as the page path flattens them up
 * to `maxDepth` (deeper ones it keeps as JSON text: left to it), or why the page path must
 * read the file: a key JavaScript puts first among an object's keys
 * (an array index such as `2024`), so the page path meets its fields in another order;
 * `rowid`, which would hide DuckDB's own row position; keys that differ only in case, which
 * the reader renamed (`Id`, `id` -> `Id_1`).
 */
export function rawLeaves(
  columns: readonly RawColumn[],
  field: (sql: string, name: string) => string,
  quote: (name: string) => string,
  maxDepth: number,
  json = false,
  /** A list's element record: its SQL and the depth of its fields (the columns are its fields). */
  within?: { sql: string; depth: number },
): LeavesResult {
  const leaves: RawLeaf[] = [];
  const lists: RawList[] = [];
  const top = columns.find((column) => column.name.toLowerCase() === "rowid");
  if (top !== undefined) return { ok: false, reason: `column "${top.name}" hides the row's position` };
  // DuckDB's JSON reader names a column for the empty key `C1`.
  const unnamed = json ? columns.find((column) => /^C\d+$/.test(column.name)) : undefined;
  if (unnamed !== undefined) return { ok: false, reason: `column "${unnamed.name}" may be the empty key` };
  const walk = (level: readonly RawColumn[], prefix: string[], parents: string[], parentSql: string | null, depth: number): string | null => {
    const lower = new Set(level.map((column) => column.name.toLowerCase()));
    for (const column of level) {
      const path = [...prefix, column.name];
      const shown = path.join(".");
      if (ARRAY_INDEX.test(column.name) && Number(column.name) < 2 ** 32 - 1) return `field "${shown}" comes first in a JavaScript record`;
      // SQL cannot name it (a quoted name ends at NUL).
      if (column.name.includes("\u0000")) return `field "${shown.replaceAll("\u0000", "\\u0000")}" has NUL in its name`;
      const renamed = /^(.*)_\d+$/.exec(column.name)?.[1];
      if (renamed !== undefined && lower.has(renamed.toLowerCase())) return `field "${shown}" may be a key the reader renamed`;
      const sql = parentSql === null ? quote(column.name) : field(parentSql, column.name);
      if (column.element !== undefined) {
        // Deeper than max_depth, flatten keeps the list as JSON text in its parent's row.
        if (depth + 1 > maxDepth) return `field "${shown}" is a list nested deeper than max_depth`;
        if (within !== undefined) return `field "${shown}" is a list inside a list's elements`;
        lists.push({ path, sql, element: column.element, depth: depth + 1, parents });
        continue;
      }
      if (column.fields !== undefined) {
        if (depth + 1 > maxDepth) return `field "${shown}" is nested deeper than max_depth`;
        if (column.fields.length === 0) return `field "${shown}" is an empty record`;
        const blocked = walk(column.fields, path, [...parents, sql], sql, depth + 1);
        if (blocked !== null) return blocked;
        continue;
      }
      leaves.push({ path, sql, type: column.type, parents });
    }
    return null;
  };
  const blocked = walk(columns, [], [], within?.sql ?? null, within?.depth ?? 0);
  return blocked === null ? { ok: true, leaves, lists } : { ok: false, reason: blocked };
}

const ARRAY_INDEX = /^(0|[1-9]\d*)$/;

/**
 * Whether the page path would hand every leaf the same name whatever order it meets them in:
 * no two normalize alike, and none meets a name an earlier run or an internal column holds.
 * (It meets a nested record's fields record by record, the reader lists them field by field.)
 */
export function namesIndependentOfOrder(leaves: readonly RawLeaf[], asset: string, namer: ColumnNamer): boolean {
  const known = namer.mapping()[asset] ?? {};
  const sources = new Map(Object.entries(known).map(([name, source]) => [source, name]));
  const taken = new Set(Object.keys(known));
  const bases = new Set<string>();
  const paths = new Set<string>();
  for (const leaf of leaves) {
    // `a.b` and `a: {b}` are one source path to the namer: one column there, two here.
    const dotted = leaf.path.join(".");
    if (paths.has(dotted)) return false;
    paths.add(dotted);
    if (sources.has(dotted)) continue;
    const base = leaf.path.map(snakeCase).join(NESTING_SEPARATOR);
    if (bases.has(base) || taken.has(base) || isInternalColumn(base)) return false;
    bases.add(base);
  }
  return true;
}

/**
 * The staged columns: every leaf with a value, typed as inferSchema types its values, in the
 * order the page path adds them (by its first value, row by row, then in that record's
 * order: `rank`; the reader's where records share one key order). Every leaf's name is claimed,
 * in the reader's order.
 */
export function planRawTable(
  leaves: readonly RawLeaf[],
  profiles: readonly ColumnProfile[],
  asset: string,
  namer: ColumnNamer,
  rank: (leaf: number) => number,
  batchOf: (position: number) => number,
  /**
   * Columns flatten adds after a row's own fields (a content key's `_row_key`; a child row's
   * keys and index), first met in the first row (`first`, its position), after its fields.
   */
  trailing?: { first: number; columns: readonly TrailingColumn[] },
): RawPlan {
  const typed: { leaf: RawLeaf; kind: SourceKind; type: LogicalType | null; first: number | null; fromText: boolean }[] = [];
  for (const [index, leaf] of leaves.entries()) {
    const kind = sourceKind(leaf.type);
    const profile = profiles[index];
    if (profile === undefined) return { ok: false, reason: `field "${leaf.path.join(".")}" was not profiled` };
    const first = profile.nonNull === 0 ? null : profile.first;
    // A field that is null throughout has no column, whatever the reader typed it (JSON's NULL).
    if (kind === null) {
      if (first !== null) return { ok: false, reason: `field "${leaf.path.join(".")}" is ${leaf.type}` };
      typed.push({ leaf, kind: "text", type: null, first, fromText: false });
      continue;
    }
    const typing = first === null ? null : logicalType(kind, profile, (position) => batchOf(position) === batchOf(first));
    if (first !== null && typing === null) return { ok: false, reason: `field "${leaf.path.join(".")}" holds values the page path reads its own way` };
    typed.push({ leaf, kind, type: typing?.type ?? null, first, fromText: typing?.fromText ?? false });
  }
  // Names are claimed only once the plan holds (a fallback then claims them as the pages do).
  const planned: (PlannedColumn & { first: number; rank: number })[] = [];
  for (const [index, { leaf, kind, type, first, fromText }] of typed.entries()) {
    const name = namer.name(asset, leaf.path);
    if (type !== null && first !== null) planned.push({ path: leaf.path, sql: leaf.sql, name, kind, type, fromText, first, rank: rank(index) });
  }
  for (const [index, { name, sql, type }] of (trailing?.columns ?? []).entries()) {
    // Ranked after any field of the first row (a rank is a field's place in its record), in their order.
    planned.push({ path: [name], sql, name, kind: type === "BIGINT" ? "integer" : "text", type, fromText: false, first: trailing?.first ?? 0, rank: Number.MAX_SAFE_INTEGER - 100 + index });
  }
  planned.sort((a, b) => a.first - b.first || a.rank - b.rank);
  return { ok: true, columns: planned.map(({ path, sql, name, kind, type, fromText }) => ({ path, sql, name, kind, type, fromText })) };
}

/** Positions where two or more leaves have their first value: the order there is that record's. */
export function sharedFirsts(profiles: readonly ColumnProfile[]): number[] {
  const counts = new Map<number, number>();
  for (const profile of profiles) if (profile.nonNull > 0 && profile.first !== null) counts.set(profile.first, (counts.get(profile.first) ?? 0) + 1);
  return [...counts].filter(([, count]) => count > 1).map(([position]) => position);
}

/** The order of a JSON record's values as the page path meets them (its keys, nested records in place). */
export function valueOrder(record: unknown, maxDepth: number): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (object: Record<string, unknown>, prefix: string, depth: number) => {
    for (const key of Object.keys(object)) {
      const value = object[key];
      const path = prefix === "" ? key : `${prefix}\u0000${key}`;
      if (isJsonObject(value) && depth + 1 <= maxDepth) walk(value, path, depth + 1);
      else if (!order.has(path)) order.set(path, order.size);
    }
  };
  if (isJsonObject(record)) walk(record, "", 0);
  return order;
}

export const pathKey = (path: readonly string[]): string => path.join("\u0000");


/** Text that reads as a date (`2024-01-02`) exactly as SQL reads it. */
export const SQL_DATE_TEXT = String.raw`\d{4}-\d{2}-\d{2}`;
/**
 * Text that reads as a timestamp exactly as SQL reads it: `T` and `Z` in capitals, hours
 * 00-23, at most nine fractional digits, an offset as `+hh:mm`, or a space and no offset.
 * Text the page path reads as a timestamp in other spellings is left to it.
 */
export const SQL_TIMESTAMP_TEXT = String.raw`\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?| ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?)`;

/**
 * The page path writes rows in batches (`batchOf`: which a record falls in) and types a
 * column by the values it has seen: one of dates that later meets plain text becomes text by
 * casting, which writes the dates its own way. Such a column is left to it.
 */
function logicalType(kind: SourceKind, profile: ColumnProfile, inFirstBatch: (position: number) => boolean): { type: LogicalType; fromText: boolean } | null {
  const plain = (type: LogicalType) => ({ type, fromText: false });
  switch (kind) {
    case "boolean":
      return plain("BOOLEAN");
    case "integer":
      return profile.safe === false ? null : plain("BIGINT");
    case "fractional":
      if (profile.finite === false) return null;
      return plain(profile.whole === true ? "BIGINT" : "DOUBLE");
    case "date":
      return profile.ordinary === true ? plain("DATE") : null;
    case "timestamp":
      return profile.ordinary === true ? plain("TIMESTAMP") : null;
    case "text": {
      const temporal = profile.temporal;
      if (temporal === null) return null;
      // Plain text among the column's first batch makes it text from the start, its dates as written.
      if (temporal.looks < profile.nonNull) return profile.firstPlain !== null && inFirstBatch(profile.firstPlain) ? plain("VARCHAR") : null;
      if (temporal.dates + temporal.timestamps < profile.nonNull) return null;
      return { type: temporal.timestamps === 0 ? "DATE" : "TIMESTAMP", fromText: true };
    }
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown kind ${String(unreachable)}`);
    }
  }
}
