// A file read by the warehouse itself (FileReader.load: a raw table, the reader's columns in
// the file's order), staged as this run's rows by SQL: profiled in one query, planned
// (raw-plan.ts), then copied with its columns renamed, cast and ordered as the page path
// would have made them. No row passes through JavaScript.
import { quoteIdent, quoteLiteral, type FileReader, type LogicalType, type RawTable, type Warehouse } from "../../warehouse/types";
import type { ColumnNamer } from "../normalize/names";
import { TEMPORAL_TEXT_PATTERNS } from "../normalize/logical-types";
import type { TableSchema } from "../normalize/schema";
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
} from "./raw-plan";
import { ExtractLoadError } from "./errors";
import { ROOT_KEY_COLUMN, SEQ_COLUMN } from "./merge-sql";
import { rowKeySql } from "./raw-row-key";

export interface RawStaging {
  asset: string;
  /** Names of the primary key's columns (claimed first, in the loader). */
  keyColumns: readonly string[];
  namer: ColumnNamer;
  /** The table to stage into (the root's stage, or a merge's new rows). */
  staging: string;
  /** A merge's new rows also carry each record's position and root key. */
  merge: boolean;
  /** Nested records deeper than this are the page path's (it keeps them as JSON text). */
  maxDepth: number;
  /**
   * A JSON source: its records' text at some positions (the order of their keys), present
   * when the raw table came from JSON.parse's input rather than a typed reader's.
   */
  json?: { records(positions: readonly number[]): Promise<Map<number, string>> };
  /** Which of the page path's write batches a record falls in (write-batches.ts). */
  batchOf: (position: number) => number;
}

export type RawStaged = { ok: true; schema: TableSchema; rows: number } | { ok: false; reason: string };

export async function stageRawTable(warehouse: Warehouse, reader: FileReader, raw: RawTable, staging: RawStaging): Promise<RawStaged> {
  // No primary key: rows are keyed by their content (row-key.ts, version 2).
  const contentKeyed = staging.keyColumns.length === 0;
  const found = rawLeaves(raw.columns, reader.sql.field, quoteIdent, staging.maxDepth, staging.json !== undefined);
  if (!found.ok) return found;
  const { leaves } = found;
  const nested = leaves.some((leaf) => leaf.parents.length > 0);
  // The page path claims names in the order it meets fields; a JSON reader lists them its own way.
  if (staging.json !== undefined && !namesIndependentOfOrder(leaves, staging.asset, staging.namer)) {
    return { ok: false, reason: "two fields normalize to one name, which the page path hands out in the order it meets them" };
  }
  const [profileRow] = await warehouse.query(profileSql(reader, raw, leaves, staging.json !== undefined));
  const row = profileRow ?? {};
  // A nested record that is NULL in a row may have been `null` there (the page path then
  // claims its name) or missing (it does not): SQL cannot tell.
  if (nestedNulls(leaves).some((_, index) => Number(row[`p_${index}`] ?? 0) > 0)) return { ok: false, reason: "a nested record is null or missing in some records" };
  const profiles = await withTemporal(warehouse, reader, raw, leaves, leaves.map((_, index) => profileOf(row, index)));
  const rank = staging.json === undefined ? (leaf: number) => leaf : await recordOrder(staging.json, profiles, leaves, staging.maxDepth);
  if (rank === null) return { ok: false, reason: "a record's fields could not be ordered" };
  const rows = Number(row.rows ?? 0);
  // No record: nothing to stage, as no page would have brought a row.
  if (rows === 0) return { ok: true, schema: new Map(), rows: 0 };
  const contentKey = contentKeyed ? rowKeySql(leaves, profiles, reader.sql) : null;
  if (contentKey !== null && !contentKey.ok) return contentKey;
  const rowKey = contentKey === null ? undefined : { sql: contentKey.sql, first: Number(row.first_row ?? 0) };
  const plan = planRawTable(leaves, profiles, staging.asset, staging.namer, rank, staging.batchOf, rowKey);
  if (!plan.ok) return plan;
  const byName = new Map(plan.columns.map((column) => [column.name, column]));
  const keys = staging.keyColumns.map((name) => ({ name, column: byName.get(name) }));
  if (keys.length > 0) {
    const keyless = await assertKeys(warehouse, reader, raw, keys, staging);
    if (keyless !== null) return { ok: false, reason: keyless };
  }
  const keyColumns = keys.flatMap((key) => (key.column === undefined ? [] : [key.column]));
  // A merge's root key: the primary key's text, or the content key (flatten's rootKey; the notebook itself refuses a merge without a key).
  const rootKey = !staging.merge ? null : rowKey !== undefined ? rowKey.sql : rootKeySql(keyColumns, warehouse);
  if (staging.merge && rootKey === null) return { ok: false, reason: "a merge keys its rows by text the page path writes differently" };
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const schema: TableSchema = new Map(plan.columns.map((column) => [column.name, column.type]));
  if (!staging.merge && !contentKeyed && !nested && !raw.temporary && inFileOrder(plan.columns, leaves)) {
    await stageInPlace(warehouse, reader, raw, leaves, plan.columns, profiles, staging.staging);
    return { ok: true, schema, rows };
  }
  const select = plan.columns.map((column) => `${valueSql(column, reader, typeName)} AS ${quoteIdent(column.name)}`);
  // No ORDER BY: a scan keeps the table's order (DuckDB's preserve_insertion_order), and sorting costs a tenth of the load.
  if (rootKey !== null) select.push(`${raw.position} AS ${quoteIdent(SEQ_COLUMN)}`, `${rootKey} AS ${quoteIdent(ROOT_KEY_COLUMN)}`);
  const created = await warehouse.createTableAs(staging.staging, `SELECT ${select.join(", ")} FROM ${raw.sql}`);
  if (rootKey !== null) {
    schema.set(SEQ_COLUMN, "BIGINT");
    schema.set(ROOT_KEY_COLUMN, "VARCHAR");
  }
  return { ok: true, schema, rows: created.rows };
}

/** The nested records (SQL) and what each lies in (null: the row itself), outermost first, once each. */
function nestedNulls(leaves: readonly RawLeaf[]): { sql: string; parent: string | null }[] {
  const seen = new Map<string, string | null>();
  for (const leaf of leaves) leaf.parents.forEach((sql, index) => seen.set(sql, leaf.parents[index - 1] ?? null));
  return [...seen].map(([sql, parent]) => ({ sql, parent }));
}

/**
 * Where leaves have their first value in the same record, the page path orders them by that
 * record's keys: those records are read back (a few) and their keys ranked. Null: a leaf is
 * not among its record's values.
 */
async function recordOrder(json: NonNullable<RawStaging["json"]>, profiles: readonly ColumnProfile[], leaves: readonly RawLeaf[], maxDepth: number): Promise<((leaf: number) => number) | null> {
  const positions = sharedFirsts(profiles);
  if (positions.length === 0) return (leaf) => leaf;
  const texts = await json.records(positions);
  const orders = new Map<number, Map<string, number>>();
  for (const [position, text] of texts) {
    const record = parseRecord(text);
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

/** Whether the staged columns keep the file's order (those left out aside). */
function inFileOrder(planned: readonly PlannedColumn[], leaves: readonly RawLeaf[]): boolean {
  const kept = new Set(planned.map((column) => column.sql));
  const fileOrder = leaves.filter((leaf) => kept.has(leaf.sql)).map((leaf) => leaf.sql);
  return planned.every((column, index) => column.sql === fileOrder[index]);
}

/**
 * The raw table made the staged one where it lies (no copy): renamed, its empty columns
 * dropped, the others cast where their type or values differ, then renamed (through
 * temporary names, so `a b` -> a_b never meets the file's own `a_b` -> a_b_2). Only for a
 * raw table without nested records: every leaf is a column.
 */
async function stageInPlace(
  warehouse: Warehouse,
  reader: FileReader,
  raw: RawTable,
  leaves: readonly RawLeaf[],
  planned: readonly PlannedColumn[],
  profiles: readonly ColumnProfile[],
  target: string,
): Promise<void> {
  const table = quoteIdent(target);
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const statements = [`ALTER TABLE ${raw.sql} RENAME TO ${table}`];
  const columnOf = (leaf: { path: readonly string[] }) => leaf.path[0] ?? "";
  const kept = new Map(planned.map((column) => [column.sql, column]));
  for (const leaf of leaves) if (!kept.has(leaf.sql)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${leaf.sql}`);
  for (const [index, leaf] of leaves.entries()) {
    const plan = kept.get(leaf.sql);
    if (plan === undefined) continue;
    const exact = plan.type !== "TIMESTAMP" || plan.fromText || profiles[index]?.millisExact === true;
    if (leaf.type.toUpperCase() !== typeName(plan.type).toUpperCase() || !exact) {
      statements.push(`ALTER TABLE ${table} ALTER COLUMN ${leaf.sql} TYPE ${typeName(plan.type)} USING ${valueSql(plan, reader, typeName)}`);
    }
  }
  const renamed = planned.filter((column) => columnOf(column) !== column.name);
  const taken = new Set(leaves.map((leaf) => columnOf(leaf).toLowerCase()));
  const clash = renamed.some((column) => taken.has(column.name.toLowerCase()));
  for (const [index, column] of renamed.entries()) {
    const via = clash ? `_ab_rename_${index}` : column.name;
    statements.push(`ALTER TABLE ${table} RENAME COLUMN ${column.sql} TO ${quoteIdent(via)}`);
  }
  if (clash) for (const [index, column] of renamed.entries()) statements.push(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(`_ab_rename_${index}`)} TO ${quoteIdent(column.name)}`);
  await warehouse.drop(target);
  await warehouse.exec(statements.join(";\n"));
}

/**
 * One aggregate over the raw table: per leaf, its values, its first, and what its kind needs
 * to know; per nested record, the rows where it is NULL though what holds it is not.
 */
function profileSql(reader: FileReader, raw: RawTable, leaves: readonly RawLeaf[], json: boolean): string {
  const { isWhole, isSafeInteger, isOrdinaryTime, matches } = reader.sql;
  const { position } = raw;
  const parts = leaves.flatMap((leaf, index) => {
    const c = leaf.sql;
    const alias = (what: string) => `${what}_${index}`;
    const out = [`count(${c}) AS ${alias("n")}`, `min(CASE WHEN ${c} IS NOT NULL THEN ${position} END) AS ${alias("f")}`];
    const kind = sourceKind(leaf.type);
    switch (kind) {
      case "integer":
        // JSON.parse reads an integer beyond 2^53 as the nearest double.
        if (json) out.push(`bool_and(${isSafeInteger(c)}) AS ${alias("s")}`);
        break;
      case "fractional":
        out.push(`bool_and(${isWhole(c)}) AS ${alias("w")}`);
        if (json) out.push(`bool_and(${reader.sql.isFinite(c)}) AS ${alias("i")}`);
        break;
      case "date":
        out.push(`bool_and(${isOrdinaryTime(c)}) AS ${alias("o")}`);
        break;
      case "timestamp":
        out.push(`bool_and(${isOrdinaryTime(c)}) AS ${alias("o")}`, `bool_and(${c} = ${reader.sql.toMillis(c)}) AS ${alias("m")}`);
        break;
      case "text": {
        const looks = `(${TEMPORAL_TEXT_PATTERNS.map((pattern) => matches(c, pattern)).join(" OR ")})`;
        out.push(`count(CASE WHEN ${looks} THEN 1 END) AS ${alias("t")}`, `min(CASE WHEN NOT ${looks} THEN ${position} END) AS ${alias("p")}`);
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
  const nulls = nestedNulls(leaves).map(({ sql, parent }, index) => `count(CASE WHEN ${sql} IS NULL${parent === null ? "" : ` AND ${parent} IS NOT NULL`} THEN 1 END) AS p_${index}`);
  return `SELECT ${["count(*) AS rows", `min(${position}) AS first_row`, ...parts, ...nulls].join(", ")} FROM ${raw.sql}`;
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
 * Text columns whose every value looks like a date or a timestamp: how many SQL reads exactly
 * as the page path does (a second query, for those columns only).
 */
async function withTemporal(warehouse: Warehouse, reader: FileReader, raw: RawTable, leaves: readonly RawLeaf[], profiles: ColumnProfile[]): Promise<ColumnProfile[]> {
  const candidates = profiles.flatMap((profile, index) => (profile.temporal !== null && profile.nonNull > 0 && profile.temporal.looks === profile.nonNull ? [index] : []));
  if (candidates.length === 0) return profiles;
  const { matches, isOrdinaryTime, textToDate, textToTimestamp } = reader.sql;
  const parts = candidates.flatMap((index) => {
    const c = leaves[index]?.sql ?? "NULL";
    const date = matches(c, SQL_DATE_TEXT, true);
    return [
      `count(CASE WHEN ${date} AND ${isOrdinaryTime(textToDate(c))} THEN 1 END) AS d_${index}`,
      `count(CASE WHEN NOT ${date} AND ${matches(c, SQL_TIMESTAMP_TEXT, true)} AND ${isOrdinaryTime(textToTimestamp(c))} THEN 1 END) AS s_${index}`,
    ];
  });
  const [row] = await warehouse.query(`SELECT ${parts.join(", ")} FROM ${raw.sql}`);
  return profiles.map((profile, index) =>
    profile.temporal === null || !candidates.includes(index)
      ? profile
      : { ...profile, temporal: { ...profile.temporal, dates: Number(row?.[`d_${index}`] ?? 0), timestamps: Number(row?.[`s_${index}`] ?? 0) } },
  );
}

/**
 * The first record without a value for a key column fails the run, as in the page path (the
 * first such column named). A key no record has a value for is missing from the first. A
 * JSON record that is not an object is the page path's to refuse in its own words: the reason.
 */
async function assertKeys(warehouse: Warehouse, reader: FileReader, raw: RawTable, keys: readonly { name: string; column: PlannedColumn | undefined }[], staging: RawStaging): Promise<string | null> {
  const { position } = raw;
  const nulls = keys.map((key) => (key.column === undefined ? "TRUE" : `${key.column.sql} IS NULL`));
  const [row] = await warehouse.query(
    `SELECT ${position} AS position, ${nulls.map((test, index) => `${test} AS k_${index}`).join(", ")} FROM ${raw.sql} WHERE ${nulls.join(" OR ")} ORDER BY ${position} LIMIT 1`,
  );
  if (row === undefined) return null;
  const at = Number(row.position);
  if (staging.json !== undefined) {
    const text = (await staging.json.records([at])).get(at);
    if (text === undefined || !isPlainObject(parseRecord(text))) return `record ${at + 1} is not an object`;
  }
  const index = keys.findIndex((_, i) => row[`k_${i}`] === true);
  // The page path's error, word for word.
  throw new ExtractLoadError(`cell "${staging.asset}": record ${at + 1} has no value for primary key "${keys[Math.max(0, index)]?.name ?? ""}"`);
}

/** A record's JSON text parsed; undefined where JSON.parse refuses it (DuckDB reads NaN). */
function parseRecord(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A merge's root key as keyString writes it: one key's text (a number's digits, text as it
 * came), or a JSON list of them. Only whole numbers, text and dates are written alike; null
 * otherwise.
 */
function rootKeySql(keys: readonly PlannedColumn[], warehouse: Warehouse): string | null {
  const text = (key: PlannedColumn): string | null => {
    const c = key.sql;
    const varchar = warehouse.dialect.typeName("VARCHAR");
    // A whole double's key is JSON.stringify's digits, which differ beyond 2^53: only integers.
    if (key.type === "BIGINT" && key.kind === "integer") return `CAST(CAST(${c} AS ${warehouse.dialect.typeName("BIGINT")}) AS ${varchar})`;
    if ((key.type === "VARCHAR" || key.fromText) && keys.length === 1) return c;
    if (key.type === "DATE" && !key.fromText) return `CAST(CAST(${c} AS ${warehouse.dialect.typeName("DATE")}) AS ${varchar})`;
    return null;
  };
  const parts = keys.map(text);
  if (parts.some((part) => part === null)) return null;
  if (parts.length === 1) return parts[0] ?? null;
  // Digits and dates need no escaping inside JSON strings.
  return `(${quoteLiteral('["')} || ${parts.join(` || ${quoteLiteral('","')} || `)} || ${quoteLiteral('"]')})`;
}

/** A raw value as the page path stores it (coerceValue of the value duckdb-values.ts or JSON.parse gives). */
function valueSql(planned: PlannedColumn, reader: FileReader, typeName: (type: LogicalType) => string): string {
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
