// A file read by the warehouse itself (FileReader.load: a raw table, the reader's columns in
// the file's order), staged as this run's rows by SQL: profiled in one query, planned
// (raw-plan.ts), then copied with its columns renamed, cast and ordered as the page path
// would have made them. No row passes through JavaScript.
import { quoteIdent, quoteLiteral, type Column, type FileReader, type LogicalType, type Warehouse } from "../../warehouse/types";
import type { ColumnNamer } from "../normalize/names";
import { TEMPORAL_TEXT_PATTERNS } from "../normalize/logical-types";
import type { TableSchema } from "../normalize/schema";
import { planRawTable, rawColumnsBlocker, sourceKind, type ColumnProfile, type PlannedColumn } from "./raw-plan";
import { ExtractLoadError } from "./errors";
import { ROOT_KEY_COLUMN, SEQ_COLUMN } from "./merge-sql";

export interface RawStaging {
  asset: string;
  /** Names of the primary key's columns (claimed first, in the loader). */
  keyColumns: readonly string[];
  namer: ColumnNamer;
  /** The table to stage into (the root's stage, or a merge's new rows). */
  staging: string;
  /** A merge's new rows also carry each record's position and root key. */
  merge: boolean;
}

export type RawStaged = { ok: true; schema: TableSchema; rows: number } | { ok: false; reason: string };


export async function stageRawTable(warehouse: Warehouse, reader: FileReader, raw: string, columns: readonly Column[], staging: RawStaging): Promise<RawStaged> {
  if (staging.keyColumns.length === 0) return { ok: false, reason: "rows without a primary key are keyed by a hash of their content" };
  const blocker = rawColumnsBlocker(columns);
  if (blocker !== null) return { ok: false, reason: blocker };
  const [profileRow] = await warehouse.query(profileSql(reader, raw, columns));
  const profiles = columns.map((_, index) => profileOf(profileRow ?? {}, index));
  const plan = planRawTable(columns, profiles, staging.asset, staging.namer);
  if (!plan.ok) return plan;
  const byName = new Map(plan.columns.map((column) => [column.name, column]));
  const keys = staging.keyColumns.map((name) => ({ name, column: byName.get(name) }));
  await assertKeys(warehouse, reader, raw, keys, staging.asset);
  // No record: nothing to stage, as no page would have brought a row.
  if (plan.columns.length === 0) return { ok: true, schema: new Map(), rows: 0 };
  const keyColumns = keys.flatMap((key) => (key.column === undefined ? [] : [key.column]));
  const rootKey = staging.merge ? rootKeySql(keyColumns, warehouse) : null;
  if (staging.merge && rootKey === null) return { ok: false, reason: "a merge keys its rows by text the page path writes differently" };
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const schema: TableSchema = new Map(plan.columns.map((column) => [column.name, column.type]));
  if (!staging.merge && inFileOrder(plan.columns, columns)) {
    await stageInPlace(warehouse, reader, raw, columns, plan.columns, profiles, staging.staging);
    return { ok: true, schema, rows: Number(profileRow?.rows ?? 0) };
  }
  const select = plan.columns.map((column) => `${valueSql(column, reader, typeName)} AS ${quoteIdent(column.name)}`);
  if (rootKey !== null) select.push(`${reader.sql.position} AS ${quoteIdent(SEQ_COLUMN)}`, `${rootKey} AS ${quoteIdent(ROOT_KEY_COLUMN)}`);
  const created = await warehouse.createTableAs(staging.staging, `SELECT ${select.join(", ")} FROM ${quoteIdent(raw)} ORDER BY ${reader.sql.position}`);
  if (rootKey !== null) {
    schema.set(SEQ_COLUMN, "BIGINT");
    schema.set(ROOT_KEY_COLUMN, "VARCHAR");
  }
  return { ok: true, schema, rows: created.rows };
}

/** Whether the staged columns keep the file's order (those left out aside). */
function inFileOrder(planned: readonly PlannedColumn[], columns: readonly Column[]): boolean {
  const kept = new Set(planned.map((column) => column.source));
  const fileOrder = columns.filter((column) => kept.has(column.name)).map((column) => column.name);
  return planned.every((column, index) => column.source === fileOrder[index]);
}

/**
 * The raw table made the staged one where it lies (no copy): renamed, its empty columns
 * dropped, the others cast where their type or values differ, then renamed (through
 * temporary names, so `a b` -> a_b never meets the file's own `a_b` -> a_b_2).
 */
async function stageInPlace(
  warehouse: Warehouse,
  reader: FileReader,
  raw: string,
  columns: readonly Column[],
  planned: readonly PlannedColumn[],
  profiles: readonly ColumnProfile[],
  target: string,
): Promise<void> {
  const table = quoteIdent(target);
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const statements = [`ALTER TABLE ${quoteIdent(raw)} RENAME TO ${table}`];
  const kept = new Map(planned.map((column) => [column.source, column]));
  for (const column of columns) if (!kept.has(column.name)) statements.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(column.name)}`);
  for (const [index, column] of columns.entries()) {
    const plan = kept.get(column.name);
    if (plan === undefined) continue;
    const exact = plan.type !== "TIMESTAMP" || profiles[index]?.millisExact === true;
    if (column.type.toUpperCase() !== typeName(plan.type).toUpperCase() || !exact) {
      statements.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(column.name)} TYPE ${typeName(plan.type)} USING ${valueSql(plan, reader, typeName)}`);
    }
  }
  const renamed = planned.filter((column) => column.source !== column.name);
  const taken = new Set(columns.map((column) => column.name.toLowerCase()));
  const clash = renamed.some((column) => taken.has(column.name.toLowerCase()));
  for (const [index, column] of renamed.entries()) {
    const via = clash ? `_ab_rename_${index}` : column.name;
    statements.push(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(column.source)} TO ${quoteIdent(via)}`);
  }
  if (clash) for (const [index, column] of renamed.entries()) statements.push(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(`_ab_rename_${index}`)} TO ${quoteIdent(column.name)}`);
  await warehouse.drop(target);
  await warehouse.exec(statements.join(";\n"));
}

const column = (index: number, name: string) => ({ sql: quoteIdent(name), alias: (what: string) => `${what}_${index}` });

/** One aggregate over the raw table: per column, its values, its first, and what its kind needs to know. */
function profileSql(reader: FileReader, raw: string, columns: readonly Column[]): string {
  const { position, isWhole, isOrdinaryTime, matches } = reader.sql;
  const parts = columns.flatMap((source, index) => {
    const c = column(index, source.name);
    const out = [`count(${c.sql}) AS ${c.alias("n")}`, `min(CASE WHEN ${c.sql} IS NOT NULL THEN ${position} END) AS ${c.alias("f")}`];
    const kind = sourceKind(source.type);
    switch (kind) {
      case "fractional":
        out.push(`bool_and(${isWhole(c.sql)}) AS ${c.alias("w")}`);
        break;
      case "date":
        out.push(`bool_and(${isOrdinaryTime(c.sql)}) AS ${c.alias("o")}`);
        break;
      case "timestamp":
        out.push(`bool_and(${isOrdinaryTime(c.sql)}) AS ${c.alias("o")}`, `bool_and(${c.sql} = ${reader.sql.toMillis(c.sql)}) AS ${c.alias("m")}`);
        break;
      case "text":
        out.push(`bool_or(${TEMPORAL_TEXT_PATTERNS.map((pattern) => matches(c.sql, pattern)).join(" OR ")}) AS ${c.alias("t")}`);
        break;
      case "boolean":
      case "integer":
      case null:
        break;
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown kind ${String(unreachable)}`);
      }
    }
    return out;
  });
  return `SELECT count(*) AS rows, ${parts.join(", ")} FROM ${quoteIdent(raw)}`;
}

function profileOf(row: Record<string, unknown>, index: number): ColumnProfile {
  const flag = (what: string) => {
    const value = row[`${what}_${index}`];
    return typeof value === "boolean" ? value : null;
  };
  const first = row[`f_${index}`];
  return {
    nonNull: Number(row[`n_${index}`] ?? 0),
    first: first === null || first === undefined ? null : Number(first),
    whole: flag("w"),
    ordinary: flag("o"),
    temporalText: flag("t"),
    millisExact: flag("m"),
  };
}

/**
 * The first record without a value for a key column fails the run, as in the page path (the
 * first such column named). A key no record has a value for is missing from the first.
 */
async function assertKeys(warehouse: Warehouse, reader: FileReader, raw: string, keys: readonly { name: string; column: PlannedColumn | undefined }[], asset: string): Promise<void> {
  const { position } = reader.sql;
  const nulls = keys.map((key) => (key.column === undefined ? "TRUE" : `${quoteIdent(key.column.source)} IS NULL`));
  const [row] = await warehouse.query(
    `SELECT ${position} AS position, ${nulls.map((test, index) => `${test} AS k_${index}`).join(", ")} FROM ${quoteIdent(raw)} WHERE ${nulls.join(" OR ")} ORDER BY ${position} LIMIT 1`,
  );
  if (row === undefined) return;
  const index = keys.findIndex((_, i) => row[`k_${i}`] === true);
  // The page path's error, word for word.
  throw new ExtractLoadError(`cell "${asset}": record ${Number(row.position) + 1} has no value for primary key "${keys[Math.max(0, index)]?.name ?? ""}"`);
}

/**
 * A merge's root key as keyString writes it: one key's text (a number's digits), or a JSON
 * list of them. Only whole numbers, text and dates are written alike; null otherwise.
 */
function rootKeySql(keys: readonly PlannedColumn[], warehouse: Warehouse): string | null {
  const text = (key: PlannedColumn): string | null => {
    const c = quoteIdent(key.source);
    const varchar = warehouse.dialect.typeName("VARCHAR");
    if (key.type === "BIGINT") return `CAST(CAST(${c} AS ${warehouse.dialect.typeName("BIGINT")}) AS ${varchar})`;
    if (key.type === "VARCHAR" && keys.length === 1) return c;
    if (key.type === "DATE") return `CAST(CAST(${c} AS ${warehouse.dialect.typeName("DATE")}) AS ${varchar})`;
    return null;
  };
  const parts = keys.map(text);
  if (parts.some((part) => part === null)) return null;
  if (parts.length === 1) return parts[0] ?? null;
  // Digits and dates need no escaping inside JSON strings.
  return `(${quoteLiteral('["')} || ${parts.join(` || ${quoteLiteral('","')} || `)} || ${quoteLiteral('"]')})`;
}

/** A raw value as the page path stores it (coerceValue of the value duckdb-values.ts gives). */
function valueSql(planned: PlannedColumn, reader: FileReader, typeName: (type: LogicalType) => string): string {
  const c = quoteIdent(planned.source);
  switch (planned.type) {
    case "BOOLEAN":
    case "VARCHAR":
      return c;
    case "BIGINT":
    case "DOUBLE":
    case "DATE":
      return `CAST(${c} AS ${typeName(planned.type)})`;
    case "TIMESTAMP":
      // A timestamp reaches the table through a JavaScript Date: whole milliseconds.
      return reader.sql.toMillis(`CAST(${c} AS ${typeName("TIMESTAMP")})`);
    case "JSON":
      throw new Error(`column "${planned.source}": no file column is staged as JSON`);
    default: {
      const unreachable: never = planned.type;
      throw new Error(`unknown type ${String(unreachable)}`);
    }
  }
}
