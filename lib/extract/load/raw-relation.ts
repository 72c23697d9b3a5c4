// One relation read by the warehouse (a raw table, or a list's elements unnested from one)
// planned as one of the page path's tables: its leaves profiled in one query (a second for
// text that looks temporal), their order read back from a few JSON records where the reader's
// order is not the page path's, then planned (raw-plan.ts); and the SQL of a planned
// column's values. raw-table.ts stages the root table, raw-children.ts the child tables.
import { quoteIdent, type FileReader, type LogicalType, type RawTable, type Warehouse } from "../../warehouse/types";
import type { ColumnNamer } from "../normalize/names";
import { TEMPORAL_TEXT_PATTERNS } from "../normalize/logical-types";
import { isJsonObject } from "../normalize/json-value";
import { aggregate, type Aggregate, type Merge } from "./raw-aggregate";
import {
  namesIndependentOfOrder,
  pathKey,
  planRawTable,
  rawLeaves,
  sharedFirsts,
  sourceKind,
  SQL_DATE_TEXT,
  SQL_TIMESTAMP_TEXT,
  valueOrder,
  type ColumnProfile,
  type PlannedColumn,
  type RawLeaf,
  type TrailingColumn,
} from "./raw-plan";

export interface RawStaging {
  asset: string;
  /** Names of the primary key's columns (claimed first, in the loader). */
  keyColumns: readonly string[];
  namer: ColumnNamer;
  /** The table to stage into (the root's stage, or a merge's new rows). */
  staging: string;
  /** A merge's new rows: each key's last record alone, with its list elements (raw-table.ts). */
  merge: boolean;
  /**
   * A merge into an asset that has child tables already: its new root rows also carry their
   * root key, by which the child tables' existing rows are replaced.
   */
  childTargets: boolean;
  /** Nested records deeper than this are the page path's (it keeps them as JSON text). */
  maxDepth: number;
  /**
   * A JSON source: its records' text at some positions (the order of their keys), present
   * when the raw table came from JSON.parse's input rather than a typed reader's.
   */
  json?: { records(positions: readonly number[]): Promise<Map<number, string>> };
  /** Which of the page path's write batches a record falls in (write-batches.ts). */
  batchOf: (position: number) => number;
  /**
   * Lists become child tables here, each staged in the table this names (registered with the
   * run as it is named); a string: why a record with a list is the page path's.
   */
  children: ((table: string) => string) | string;
  /** An incremental run's cursor field (a dotted path): its latest value comes back with the rows. */
  cursor?: string;
}

/** A relation's leaves planned: its columns, their profiles, and its rows. */
export type PlannedRelation = { ok: true; columns: PlannedColumn[]; profiles: ColumnProfile[]; rows: number } | { ok: false; reason: string };

/** What a relation (the raw table, or a list's elements) needs to be planned as one table. */
export interface RelationPlanning {
  table: string;
  namer: ColumnNamer;
  /** JSON records' values at some positions, to order their keys (absent: a typed reader's order). */
  values?: (positions: readonly number[]) => Promise<Map<number, unknown>>;
  /** The depth the relation's rows' fields lie at, from max_depth down (flatten's `depth`). */
  maxDepth: number;
  batchOf: (profiles: readonly ColumnProfile[]) => Promise<(position: number) => number>;
  /** The lists, by the nested records they lie in (outermost first): one with only lists in it is checked for NULLs too. */
  lists?: readonly Pick<RawLeaf, "path" | "parents">[];
  /** The columns flatten adds after a row's own fields, once the profiles are known; a reason refuses. */
  trailing: (profiles: readonly ColumnProfile[]) => readonly TrailingColumn[] | string;
}

/**
 * Profiles a relation's leaves (one query, a second for text that looks temporal) and plans
 * its columns as the page path would make them, or says why it cannot.
 */
export async function planRelation(warehouse: Warehouse, reader: FileReader, relation: RawTable, leaves: readonly RawLeaf[], planning: RelationPlanning): Promise<PlannedRelation> {
  const json = planning.values !== undefined;
  // The page path claims names in the order it meets fields; a JSON reader lists them its own way.
  if (json && !namesIndependentOfOrder(leaves, planning.table, planning.namer)) {
    return { ok: false, reason: "two fields normalize to one name, which the page path hands out in the order it meets them" };
  }
  const nested = nestedRecords(leaves, planning.lists);
  const row = await aggregate(warehouse, relation, profileItems(reader, relation, leaves, json, nested));
  const nullIn = nested.filter((_, index) => Number(row[`nulls_${index}`] ?? 0) > 0);
  const writtenNull = nullIn.length === 0 ? null : await nullNestedRecord(warehouse, relation, nullIn, planning.values);
  if (writtenNull !== null) return { ok: false, reason: writtenNull };
  const profiles = await withTemporal(warehouse, reader, relation, leaves, leaves.map((_, index) => profileOf(row, index)));
  const rank = planning.values === undefined ? (leaf: number) => leaf : await recordOrder(planning.values, profiles, leaves, planning.maxDepth);
  if (rank === null) return { ok: false, reason: "a record's fields could not be ordered" };
  const rows = Number(row.rows ?? 0);
  // No row: nothing to stage, as no page would have brought one.
  if (rows === 0) return { ok: true, columns: [], profiles, rows: 0 };
  const trailing = planning.trailing(profiles);
  if (typeof trailing === "string") return { ok: false, reason: trailing };
  const plan = planRawTable(leaves, profiles, planning.table, planning.namer, rank, await planning.batchOf(profiles), { first: Number(row.first_row ?? 0), columns: trailing });
  return plan.ok ? { ok: true, columns: plan.columns, profiles, rows } : plan;
}

/**
 * A part of a raw relation profiled ahead, as planRelation profiles the whole (text that looks
 * temporal included), so that planning the whole finds the part's values known
 * (raw-aggregate.ts). A JSON source's: its records' values are read back when planned.
 */
export async function profileAhead(warehouse: Warehouse, reader: FileReader, part: RawTable, maxDepth: number): Promise<void> {
  const found = rawLeaves(part.columns, reader.sql.field, quoteIdent, maxDepth, true);
  if (!found.ok) return;
  const { leaves, lists } = found;
  const row = await aggregate(warehouse, part, profileItems(reader, part, leaves, true, nestedRecords(leaves, lists)));
  await withTemporal(warehouse, reader, part, leaves, leaves.map((_, index) => profileOf(row, index)));
}

/** A nested record: SQL for it, for the record it lies in (null: the row itself), and its path. */
interface NestedRecord {
  sql: string;
  parent: string | null;
  path: readonly string[];
}

/** The nested records leaves and lists lie in, outermost first, once each. */
function nestedRecords(leaves: readonly RawLeaf[], lists: RelationPlanning["lists"] = []): NestedRecord[] {
  const seen = new Map<string, NestedRecord>();
  for (const { path, parents } of [...leaves, ...lists]) parents.forEach((sql, index) => seen.set(sql, { sql, parent: parents[index - 1] ?? null, path: path.slice(0, index + 1) }));
  return [...seen.values()];
}

/** SQL: the nested record is NULL where the record it lies in is not. */
function nullTest(nested: NestedRecord): string {
  return `${nested.sql} IS NULL${nested.parent === null ? "" : ` AND ${nested.parent} IS NOT NULL`}`;
}

/** Rows with a NULL nested record read back, at most this many, to tell `null` from a missing field. */
const NULL_NESTED_READ_BACK = 1000;

/**
 * A nested record that is NULL in a row was `null` there (the page path then claims its
 * name) or missing (it does not): SQL cannot tell, so JSON records are read back (a few) to
 * tell. Null: every one was missing; else why the relation is the page path's.
 */
async function nullNestedRecord(warehouse: Warehouse, relation: RawTable, nullIn: readonly NestedRecord[], values: RelationPlanning["values"]): Promise<string | null> {
  if (values === undefined) return "a nested record is null in some records";
  const { position } = relation;
  const rows = await warehouse.query(`SELECT ${position} AS position FROM ${relation.sql} WHERE ${nullIn.map((nested) => `(${nullTest(nested)})`).join(" OR ")} ORDER BY ${position} LIMIT ${NULL_NESTED_READ_BACK + 1}`);
  if (rows.length > NULL_NESTED_READ_BACK) return `more than ${NULL_NESTED_READ_BACK} records have no nested record where others have one`;
  const positions = rows.map((found) => Number(found.position));
  const read = await values(positions);
  for (const at of positions) {
    const nullOne = nullIn.find((nested) => writtenNull(read.get(at), nested.path));
    if (nullOne !== undefined) return `record ${at + 1} has ${nullOne.path.join(".")} null`;
  }
  return null;
}

/** Whether a value has `null` written at `path`; a value not read back may have (it cannot tell). */
function writtenNull(value: unknown, path: readonly string[]): boolean {
  if (value === undefined) return true;
  let at: unknown = value;
  for (const key of path.slice(0, -1)) {
    if (!isJsonObject(at)) return false;
    at = at[key];
  }
  const last = path.at(-1);
  return isJsonObject(at) && last !== undefined && Object.hasOwn(at, last) && at[last] === null;
}

/**
 * Where leaves have their first value in the same record, the page path orders them by that
 * record's keys: those records are read back (a few) and their keys ranked. Null: a leaf is
 * not among its record's values.
 */
async function recordOrder(
  values: NonNullable<RelationPlanning["values"]>,
  profiles: readonly ColumnProfile[],
  leaves: readonly RawLeaf[],
  maxDepth: number,
): Promise<((leaf: number) => number) | null> {
  const positions = sharedFirsts(profiles);
  if (positions.length === 0) return (leaf) => leaf;
  const orders = new Map<number, Map<string, number>>();
  for (const [position, record] of await values(positions)) {
    if (record === undefined) return null;
    orders.set(position, valueOrder(record, maxDepth));
  }
  const ranks = new Map<number, number>();
  for (const [index, profile] of profiles.entries()) {
    const order = profile.first === null ? undefined : orders.get(profile.first);
    const leaf = leaves[index];
    if (order === undefined || leaf === undefined) continue;
    const rank = order.get(pathKey(leaf.path));
    if (rank === undefined) return null;
    ranks.set(index, rank);
  }
  for (const position of positions) if (!orders.has(position)) return null;
  return (leaf) => ranks.get(leaf) ?? leaf;
}

/** Records' JSON text parsed (undefined where JSON.parse refuses it). */
export function parsedRecords(texts: ReadonlyMap<number, string>): Map<number, unknown> {
  return new Map([...texts].map(([position, text]) => [position, parseRecord(text)]));
}

/**
 * The profile's aggregates over the raw table: per leaf, its values, its first, and what its
 * kind needs to know; per nested record, the rows where it is NULL though what holds it is not.
 */
function profileItems(reader: FileReader, raw: RawTable, leaves: readonly RawLeaf[], json: boolean, nested: readonly NestedRecord[]): Aggregate[] {
  const { isWhole, isSafeInteger, isOrdinaryTime } = reader.sql;
  const { position } = raw;
  const parts = leaves.flatMap((leaf, index): Aggregate[] => {
    const c = leaf.sql;
    const item = (what: string, sql: string, merge: Merge): Aggregate => ({ alias: `${what}_${index}`, sql, merge });
    const out = [item("n", `count(${c})`, "sum"), item("f", `min(CASE WHEN ${c} IS NOT NULL THEN ${position} END)`, "min")];
    const kind = sourceKind(leaf.type);
    switch (kind) {
      case "integer":
        // JSON.parse reads an integer beyond 2^53 as the nearest double.
        if (json) out.push(item("s", `bool_and(${isSafeInteger(c)})`, "and"));
        break;
      case "fractional":
        out.push(item("w", `bool_and(${isWhole(c)})`, "and"));
        if (json) out.push(item("i", `bool_and(${reader.sql.isFinite(c)})`, "and"));
        break;
      case "date":
        out.push(item("o", `bool_and(${isOrdinaryTime(c)})`, "and"));
        break;
      case "timestamp":
        out.push(item("o", `bool_and(${isOrdinaryTime(c)})`, "and"), item("m", `bool_and(${c} = ${reader.sql.toMillis(c)})`, "and"));
        break;
      case "text": {
        const looks = looksTemporal(reader, c);
        out.push(item("t", `count(CASE WHEN ${looks} THEN 1 END)`, "sum"), item("p", `min(CASE WHEN NOT ${looks} THEN ${position} END)`, "min"), ...temporalItems(reader, c, index));
        break;
      }
      case "boolean":
      case null:
        break;
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown kind ${String(unreachable)}`);
      }
    }
    return out;
  });
  // Named apart from the leaves' `<letter>_<index>`: a row keeps one value per name (text's first plain value is `p_<index>`).
  const nulls = nested.map((record, index): Aggregate => ({ alias: `nulls_${index}`, sql: `count(CASE WHEN ${nullTest(record)} THEN 1 END)`, merge: "sum" }));
  return [{ alias: "rows", sql: "count(*)", merge: "sum" }, { alias: "first_row", sql: `min(${position})`, merge: "min" }, ...parts, ...nulls];
}

function profileOf(row: Record<string, unknown>, index: number): ColumnProfile {
  const flag = (what: string) => {
    const value = row[`${what}_${index}`];
    return typeof value === "boolean" ? value : null;
  };
  const position = (what: string) => {
    const value = row[`${what}_${index}`];
    return value === null || value === undefined ? null : Number(value);
  };
  const looks = row[`t_${index}`];
  return {
    nonNull: Number(row[`n_${index}`] ?? 0),
    first: position("f"),
    whole: flag("w"),
    finite: flag("i"),
    firstPlain: position("p"),
    safe: flag("s"),
    ordinary: flag("o"),
    temporal: looks === undefined ? null : { looks: Number(looks), dates: 0, timestamps: 0 },
    millisExact: flag("m"),
  };
}

/**
 * SQL: text that looks like a date or a timestamp (the page path then tries to read it as one).
 * One match of the patterns' union, not two joined by OR: the test sits in four aggregates of
 * each text leaf, and one match cut the profile by 12-15% (0.42 s to 0.36 s of CPU over 250k
 * records with five text fields).
 */
function looksTemporal(reader: FileReader, c: string): string {
  return reader.sql.matches(c, TEMPORAL_TEXT_PATTERNS.map((pattern) => `(?:${pattern})`).join("|"));
}

/**
 * How many of a text leaf's values SQL reads as a date, and as a timestamp, exactly as the page
 * path does (withTemporal). Asked with the rest of the profile, in its one pass over the rows:
 * a second pass cost more than the profile itself. Only text that looks temporal is tried (the
 * same test as the profile's, which DuckDB evaluates once), so other text costs nothing.
 */
function temporalItems(reader: FileReader, c: string, index: number): Aggregate[] {
  const { matches, isOrdinaryTime, textToDate, textToTimestamp } = reader.sql;
  const looks = looksTemporal(reader, c);
  const date = matches(c, SQL_DATE_TEXT, true);
  return [
    { alias: `td_${index}`, sql: `count(CASE WHEN ${looks} AND ${date} AND ${isOrdinaryTime(textToDate(c))} THEN 1 END)`, merge: "sum" },
    { alias: `ts_${index}`, sql: `count(CASE WHEN ${looks} AND NOT ${date} AND ${matches(c, SQL_TIMESTAMP_TEXT, true)} AND ${isOrdinaryTime(textToTimestamp(c))} THEN 1 END)`, merge: "sum" },
  ];
}

/**
 * Text columns whose every value looks like a date or a timestamp: how many SQL reads exactly
 * as the page path does (asked with the profile, temporalItems: known by now).
 */
async function withTemporal(warehouse: Warehouse, reader: FileReader, raw: RawTable, leaves: readonly RawLeaf[], profiles: ColumnProfile[]): Promise<ColumnProfile[]> {
  const candidates = profiles.flatMap((profile, index) => (profile.temporal !== null && profile.nonNull > 0 && profile.temporal.looks === profile.nonNull ? [index] : []));
  if (candidates.length === 0) return profiles;
  const row = await aggregate(warehouse, raw, candidates.flatMap((index) => temporalItems(reader, leaves[index]?.sql ?? "NULL", index)));
  return profiles.map((profile, index) =>
    profile.temporal === null || !candidates.includes(index)
      ? profile
      : { ...profile, temporal: { ...profile.temporal, dates: Number(row[`td_${index}`] ?? 0), timestamps: Number(row[`ts_${index}`] ?? 0) } },
  );
}

/** A record's JSON text parsed; undefined where JSON.parse refuses it (DuckDB reads NaN). */
export function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}


/** A raw value as the page path stores it (coerceValue of the value duckdb-values.ts or JSON.parse gives). */
export function valueSql(planned: PlannedColumn, reader: FileReader, typeName: (type: LogicalType) => string): string {
  const c = planned.sql;
  switch (planned.type) {
    case "BOOLEAN":
    case "VARCHAR":
      return c;
    case "BIGINT":
    case "DOUBLE":
      return `CAST(${c} AS ${typeName(planned.type)})`;
    case "DATE":
      return planned.fromText ? reader.sql.textToDate(c) : `CAST(${c} AS ${typeName(planned.type)})`;
    case "TIMESTAMP":
      // A timestamp reaches the table through a JavaScript Date: whole milliseconds.
      return reader.sql.toMillis(planned.fromText ? reader.sql.textToTimestamp(c) : `CAST(${c} AS ${typeName("TIMESTAMP")})`);
    case "JSON":
      throw new Error(`field "${planned.path.join(".")}": no file column is staged as JSON`);
    default: {
      const unreachable: never = planned.type;
      throw new Error(`unknown type ${String(unreachable)}`);
    }
  }
}
