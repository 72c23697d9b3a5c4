// A file read by the warehouse itself (FileReader.load: a raw table, the reader's columns in
// the file's order), staged as this run's rows by SQL: planned as one relation
// (raw-relation.ts), keyed by content where there is no primary key (raw-row-key.ts), its
// cursor found (raw-cursor.ts), its lists made child tables (raw-children.ts), then copied
// with its columns renamed, cast and ordered as the page path would have made them. No row
// passes through JavaScript.
import { quoteIdent, quoteLiteral, type FileReader, type LogicalType, type RawTable, type Warehouse } from "../../warehouse/types";
import type { TableSchema } from "../normalize/schema";
import { namesIndependentOfOrder, rawLeaves, type ColumnProfile, type PlannedColumn, type RawLeaf } from "./raw-plan";
import { ExtractLoadError } from "./errors";
import { ROOT_KEY_COLUMN } from "./merge-sql";
import { rowKeySql } from "./raw-row-key";
import { planChildren, stageChildren, unnestedAgain, type ChildPlan, type StagedChild } from "./raw-children";
import { parsedRecords, parseRecord, planRelation, valueSql, type RawStaging } from "./raw-relation";
import { rawCursor } from "./raw-cursor";
import { keysRepeatIn } from "./staged-keys";
import { isJsonObject } from "../normalize/json-value";
import type { CursorValue } from "./incremental";

export type { RawStaging } from "./raw-relation";

export type RawStaged =
  | {
      ok: true;
      schema: TableSchema;
      /** Records read (a merge's duplicates of a key included, as the page path counts them). */
      rows: number;
      children: StagedChild[];
      cursor?: CursorValue;
      /**
       * A merge's new rows are its winners already: one root row per key (its last record),
       * the child rows of those alone. The root has the root key column only where child
       * tables exist already (their rows are replaced by it); no table has the seq column.
       */
      winnersOnly: boolean;
    }
  | { ok: false; reason: string };

export async function stageRawTable(warehouse: Warehouse, reader: FileReader, raw: RawTable, staging: RawStaging): Promise<RawStaged> {
  const found = rawLeaves(raw.columns, reader.sql.field, quoteIdent, staging.maxDepth, staging.json !== undefined);
  if (!found.ok) return found;
  const { leaves, lists } = found;
  const stagingFor = staging.children;
  if (lists.length > 0 && typeof stagingFor === "string") return { ok: false, reason: stagingFor };
  // A list's name is claimed beside the fields (its child table is named after it).
  const named = [...leaves, ...lists.map((list) => ({ path: list.path, sql: list.sql, type: "LIST", parents: [] }))];
  if ((staging.json !== undefined || lists.length > 0) && !namesIndependentOfOrder(named, staging.asset, staging.namer)) {
    return { ok: false, reason: "two fields normalize to one name, which the page path hands out in the order it meets them" };
  }
  // No primary key: rows are keyed by their content (row-key.ts, version 2).
  let contentKey: string | null = null;
  const json = staging.json;
  const planned = await planRelation(warehouse, reader, raw, leaves, {
    table: staging.asset,
    namer: staging.namer,
    values: json === undefined ? undefined : async (positions) => parsedRecords(await json.records(positions)),
    maxDepth: staging.maxDepth,
    lists,
    batchOf: async () => staging.batchOf,
    trailing: (profiles) => {
      if (staging.keyColumns.length > 0) return [];
      const key = rowKeySql(leaves, profiles, reader.sql, lists);
      if (!key.ok) return key.reason;
      // Computed as the file was read, where it is this key: the column holds it.
      contentKey = raw.computed?.sql === key.sql ? quoteIdent(raw.computed.name) : key.sql;
      return [{ name: "_row_key", sql: contentKey, type: "VARCHAR" }];
    },
  });
  if (!planned.ok) return planned;
  const { columns, profiles, rows } = planned;
  if (rows === 0) return { ok: true, schema: new Map(), rows: 0, children: [], winnersOnly: false };
  let cursor: CursorValue | undefined;
  if (staging.cursor !== undefined) {
    const at = leaves.findIndex((leaf) => leaf.path.join(".") === staging.cursor);
    const found = await rawCursor(warehouse, reader, raw, leaves[at], profiles[at]);
    if (!found.ok) return found;
    cursor = found.cursor;
  }
  const byName = new Map(columns.map((column) => [column.name, column]));
  const keys = staging.keyColumns.map((name) => ({ name, column: byName.get(name) }));
  // A key every record has a value for (the profile counts them) leaves nothing to look for.
  const everyKey = keys.length > 0 && keys.every(({ column }) => profiles[leaves.findIndex((leaf) => leaf.sql === column?.sql)]?.nonNull === rows);
  const notObjects = everyKey ? null : keys.length > 0 ? await assertKeys(warehouse, reader, raw, keys, staging) : await objectsOnly(warehouse, raw, staging);
  if (notObjects !== null) return { ok: false, reason: notObjects };
  const keyColumns = keys.flatMap((key) => (key.column === undefined ? [] : [key.column]));
  // flatten's rootKey: the primary key's text, or the content key (the notebook itself refuses a merge without a key).
  const rootKey = contentKey ?? rootKeySql(keyColumns, warehouse);
  if ((staging.merge || lists.length > 0) && rootKey === null) return { ok: false, reason: "rows are keyed by text the page path writes differently" };
  const children = typeof stagingFor === "string" || rootKey === null || lists.length === 0 ? null : await planChildren(warehouse, reader, raw, lists, rootKey, staging);
  try {
    if (children !== null && !children.ok) return children;
    const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
    const schema: TableSchema = new Map(columns.map((column) => [column.name, column.type]));
    const nested = leaves.some((leaf) => leaf.parents.length > 0);
    // A merge keeps each key's last record here (and only its child rows), so its new rows need
    // no winners picked later (and, with no table yet, become the tables). Its root keeps the
    // root key only where child tables exist already, whose rows are replaced by it.
    // A copy counts a merge's keys once copied, in the staged table (typed columns, far cheaper
    // than the raw rows, which may be files); only a key found repeated there is looked for in
    // the raw rows (keysAfterCopy), before the child rows are staged (a repeat's winners' alone).
    const keysAfterCopy = staging.merge && rootKey !== null && raw.temporary;
    let winners = !staging.merge || rootKey === null ? null : keysAfterCopy ? {} : await lastRecordPerKey(warehouse, raw, rootKey, rows);
    const rootKeys = winners !== null && staging.childTargets;
    const keyInPlace = contentKey === null || (raw.computed !== undefined && contentKey === quoteIdent(raw.computed.name));
    if (keyInPlace && lists.length === 0 && !nested && !raw.temporary && inFileOrder(columns, leaves, raw) && !rootKeys) {
      if (winners?.positions !== undefined) await warehouse.exec(`DELETE FROM ${raw.sql} WHERE ${raw.position} NOT IN ${winners.positions}`);
      await stageInPlace(warehouse, reader, raw, leaves, columns, profiles, staging.staging, raw.computed?.name);
      return { ok: true, schema, rows, children: [], cursor, winnersOnly: winners !== null };
    }
    // The child rows go first and the elements' temporary tables are dropped before the root's
    // copy, whose writes then reuse their memory. A merge that counts its keys after the copy
    // stages every record's elements here; where a key repeats, they are unnested again below
    // and staged for the winners alone.
    const stageElements = async (plans: readonly ChildPlan[], positions: string | undefined): Promise<StagedChild[]> => {
      if (children?.ok !== true || typeof stagingFor === "string") return [];
      const staged = await stageChildren(warehouse, reader, plans, staging, stagingFor, positions);
      await children.release();
      return staged;
    };
    let staged = children?.ok === true ? await stageElements(children.plans, winners?.positions) : [];
    const select = columns.map((column) => `${valueSql(column, reader, typeName)} AS ${quoteIdent(column.name)}`);
    if (rootKeys) select.push(`${rootKey} AS ${quoteIdent(ROOT_KEY_COLUMN)}`);
    // No ORDER BY: a scan keeps the table's or the files' order (DuckDB's
    // preserve_insertion_order), and a sort holds every row in memory.
    const copy = async (positions: string | undefined) =>
      warehouse.createTableAs(staging.staging, `SELECT ${select.join(", ")} FROM ${positions === undefined ? (raw.scan ?? raw.sql) : `${raw.sql} WHERE ${raw.position} IN ${positions}`}`);
    await copy(winners?.positions);
    if (keysAfterCopy && rootKey !== null) {
      const keyColumn = (sql: string) => columns.find((column) => column.sql === sql)?.name;
      const stagedKeys = rootKeys ? [ROOT_KEY_COLUMN] : contentKey !== null ? [keyColumn(contentKey)] : keyColumns.map((column) => column.name);
      if (await keysRepeatIn(warehouse, reader, staging.staging, stagedKeys, rows)) {
        winners = await lastRecordPerKey(warehouse, raw, rootKey, rows);
        await warehouse.drop(staging.staging);
        await copy(winners.positions);
        if (children?.ok === true && staged.length > 0) {
          for (const child of staged) await warehouse.drop(child.staging);
          staged = await stageElements(await unnestedAgain(children.plans), winners.positions);
        }
      }
    }
    if (rootKeys) schema.set(ROOT_KEY_COLUMN, "VARCHAR");
    return { ok: true, schema, rows, children: staged, cursor, winnersOnly: winners !== null };
  } finally {
    if (children?.ok === true) await children.release();
  }
}

/**
 * A merge's winners: each key's last record. `positions` is SQL for theirs (a subquery over
 * the raw table); absent when no key repeats (the common case, found by a count alone, with
 * nothing rewritten).
 */
async function lastRecordPerKey(warehouse: Warehouse, raw: RawTable, rootKey: string, rows: number): Promise<{ positions?: string }> {
  const [row] = await warehouse.query(`SELECT count(DISTINCT ${rootKey}) AS keys FROM ${raw.scan ?? raw.sql}`);
  if (Number(row?.keys) === rows) return {};
  return { positions: `(SELECT max(${raw.position}) FROM ${raw.sql} GROUP BY ${rootKey})` };
}

/** Whether the staged columns keep the raw table's order (those left out aside): the file's, then a computed column. */
function inFileOrder(planned: readonly PlannedColumn[], leaves: readonly RawLeaf[], raw: RawTable): boolean {
  const kept = new Set(planned.map((column) => column.sql));
  const rawOrder = [...leaves.map((leaf) => leaf.sql), ...(raw.computed === undefined ? [] : [quoteIdent(raw.computed.name)])];
  const order = rawOrder.filter((sql) => kept.has(sql));
  return planned.length === order.length && planned.every((column, index) => column.sql === order[index]);
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
  /** The raw table's computed column (a content key), which stays and is renamed as planned. */
  computed: string | undefined,
): Promise<void> {
  const table = quoteIdent(target);
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const statements = [`ALTER TABLE ${raw.sql} RENAME TO ${table}`];
  const columnOf = (column: { path: readonly string[]; sql: string }) => (computed !== undefined && column.sql === quoteIdent(computed) ? computed : (column.path[0] ?? ""));
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
  const taken = new Set([...leaves.map((leaf) => columnOf(leaf).toLowerCase()), ...(computed === undefined ? [] : [computed.toLowerCase()])]);
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
    const notObject = await firstNotObject(staging.json, [at]);
    if (notObject !== null) return notObject;
  }
  const index = keys.findIndex((_, i) => row[`k_${i}`] === true);
  // The page path's error, word for word.
  throw new ExtractLoadError(`cell "${staging.asset}": record ${at + 1} has no value for primary key "${keys[Math.max(0, index)]?.name ?? ""}"`);
}

/** Rows without a value read back to tell `{}` from a record that is not one: at most this many. */
const VALUELESS_READ_BACK = 100;

/**
 * A JSON record that is not an object (`null`) reads as a row of NULLs, as `{}` does. Without
 * a key that finds it, the rows with no value are read back (a few): one that is not an
 * object is the page path's to refuse or read its own way (the reason).
 */
async function objectsOnly(warehouse: Warehouse, raw: RawTable, staging: RawStaging): Promise<string | null> {
  if (staging.json === undefined) return null;
  if (raw.columns.length === 0) return "the records have no fields";
  const valueless = raw.columns.map((column) => `${quoteIdent(column.name)} IS NULL`).join(" AND ");
  const rows = await warehouse.query(`SELECT ${raw.position} AS position FROM ${raw.sql} WHERE ${valueless} ORDER BY ${raw.position} LIMIT ${VALUELESS_READ_BACK + 1}`);
  if (rows.length === 0) return null;
  if (rows.length > VALUELESS_READ_BACK) return `more than ${VALUELESS_READ_BACK} records have no value`;
  return firstNotObject(staging.json, rows.map((row) => Number(row.position)));
}

/** The JSON records at these positions read back: the first that is not an object, as a reason. */
async function firstNotObject(json: NonNullable<RawStaging["json"]>, positions: readonly number[]): Promise<string | null> {
  const texts = await json.records(positions);
  for (const at of positions) {
    const text = texts.get(at);
    if (text === undefined || !isJsonObject(parseRecord(text))) return `record ${at + 1} is not an object`;
  }
  return null;
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

