// A raw table's lists as child tables (`<table>__<field>`), staged by SQL as flatten makes
// them: a row per element, its fields flattened and typed as the page path types them, then
// `_parent_key` and `_root_key` (the record's key), `_index` (its place in the list) and
// `_row_key` (row-key.ts's childRowKey). The elements are unnested into a temporary relation
// first (FileReader.unnest), which is planned as the raw table is (planRelation). One level:
// a list inside a list's elements, a list of lists or a null where records are is the page
// path's.
import { quoteIdent, quoteLiteral, UNNESTED, type FileReader, type LogicalType, type RawTable, type UnnestedTable, type Warehouse } from "../../warehouse/types";
import { NESTING_SEPARATOR } from "../normalize/names";
import { isJsonObject, isList } from "../normalize/json-value";
import { keyString } from "../normalize/row-key";
import type { TableSchema } from "../normalize/schema";
import { rawLeaves, type ColumnProfile, type PlannedColumn, type RawLeaf, type RawList } from "./raw-plan";
import { releaseRaw } from "./raw-release";
import { parseRecord, planRelation, valueSql, type RawStaging } from "./raw-relation";

export interface StagedChild {
  table: string;
  /** Its staging table (a merge's new rows). */
  staging: string;
  schema: TableSchema;
  rows: number;
}

export interface ChildPlan {
  table: string;
  elements: UnnestedTable;
  columns: PlannedColumn[];
  /** The elements unnested again, into the same relation, once `release` has dropped it. */
  unnestAgain(): Promise<UnnestedTable>;
}

export type PlannedChildren = { ok: true; plans: ChildPlan[]; release(): Promise<void> } | { ok: false; reason: string };

/** The plans with their elements unnested again (released by the same `release`). */
export async function unnestedAgain(plans: readonly ChildPlan[]): Promise<ChildPlan[]> {
  const again: ChildPlan[] = [];
  for (const plan of plans) again.push({ ...plan, elements: await plan.unnestAgain() });
  return again;
}

/** What each element's row carries from its record: its key. */
const CARRIED_KEY = "__ab_key";
/** An element's record's position, where a merge's winners pick elements by it. */
const RECORD = "__ab_root";

/** The child tables' plans, or why the page path must make them; their relations live until `release`. */
export async function planChildren(warehouse: Warehouse, reader: FileReader, raw: RawTable, lists: readonly RawList[], rootKey: string, staging: RawStaging): Promise<PlannedChildren> {
  const made: string[] = [];
  const release = async () => {
    for (const table of made) await releaseRaw(warehouse, reader, table);
  };
  try {
    const plans: ChildPlan[] = [];
    for (const [index, list] of lists.entries()) {
      const relation = `${staging.staging}__0list${index}`;
      made.push(relation);
      const planned = await planChild(warehouse, reader, raw, list, rootKey, staging, relation);
      if (!planned.ok) {
        await release();
        return planned;
      }
      if (planned.plan !== null) plans.push(planned.plan);
    }
    return { ok: true, plans, release };
  } catch (error) {
    await release();
    throw error;
  }
}

type PlannedChild = { ok: true; plan: ChildPlan | null } | { ok: false; reason: string };

async function planChild(warehouse: Warehouse, reader: FileReader, raw: RawTable, list: RawList, rootKey: string, staging: RawStaging, relation: string): Promise<PlannedChild> {
  const shown = list.path.join(".");
  const { element } = list;
  if (element.element !== undefined) return { ok: false, reason: `field "${shown}" is a list of lists` };
  // flatten's table name: the list's column name under its record's table.
  const table = `${staging.asset}${NESTING_SEPARATOR}${staging.namer.name(staging.asset, list.path)}`;
  const elementSql = quoteIdent(UNNESTED.element);
  let leaves: RawLeaf[];
  if (element.fields === undefined) {
    // An element that is not a record is read as `{ value: element }`.
    leaves = [{ path: ["value"], sql: elementSql, type: element.type, parents: [] }];
  } else {
    const found = rawLeaves(element.fields, reader.sql.field, quoteIdent, staging.maxDepth, staging.json !== undefined, { sql: elementSql, depth: list.depth });
    if (!found.ok) return found;
    leaves = found.leaves;
  }
  const unnestAgain = () => reader.unnest(relation, raw, list.sql, [{ name: CARRIED_KEY, sql: rootKey }]);
  const elements = await unnestAgain();
  if (element.fields !== undefined) {
    // flatten reads a null among records as `{ value: null }`, claiming a `value` column.
    const [nulls] = await warehouse.query(`SELECT count(*) AS n FROM ${elements.sql} WHERE ${elementSql} IS NULL`);
    if (Number(nulls?.n ?? 0) > 0) return { ok: false, reason: `field "${shown}" holds null among records` };
  }
  const places = (positions: readonly number[]) => elementPlaces(warehouse, elements, positions);
  const key = quoteIdent(CARRIED_KEY);
  const index = quoteIdent(UNNESTED.index);
  const json = staging.json;
  const planned = await planRelation(warehouse, reader, elements, leaves, {
    table,
    namer: staging.namer,
    // The fields of the list's elements lie at its depth.
    maxDepth: staging.maxDepth - list.depth,
    values:
      json === undefined
        ? undefined
        : async (positions) => {
            const at = await places(positions);
            const records = await json.records([...new Set([...at.values()].map((place) => place.root))]);
            return new Map([...at].map(([position, place]) => [position, elementOf(records.get(place.root), list.path, place.index)]));
          },
    batchOf: async (profiles) => {
      // The page path writes an element's row with its record's: the record's batch.
      const at = await places(profiles.flatMap((profile) => wanted(profile)));
      return (position) => {
        const place = at.get(position);
        if (place === undefined) throw new Error(`element ${position} of "${shown}" was not placed`);
        return staging.batchOf(place.root);
      };
    },
    trailing: () => [
      { name: "_parent_key", sql: key, type: "VARCHAR" },
      { name: "_root_key", sql: key, type: "VARCHAR" },
      { name: "_index", sql: index, type: "BIGINT" },
      { name: "_row_key", sql: reader.sql.md5(`('[' || ${reader.sql.keyText.text(key)} || ${quoteLiteral(`,${keyString(table)},`)} || ${reader.sql.keyText.integer(index)} || ']')`), type: "VARCHAR" },
    ],
  });
  if (!planned.ok) return planned;
  return { ok: true, plan: planned.rows === 0 ? null : { table, elements, columns: planned.columns, unnestAgain } };
}

/** The positions planRawTable asks the batch of: a column's first value, its first plain text. */
function wanted(profile: ColumnProfile): number[] {
  return [profile.first, profile.firstPlain].flatMap((position) => (position === null ? [] : [position]));
}

/** Where elements (by position) lie: their record's position and their index in its list. */
async function elementPlaces(warehouse: Warehouse, elements: UnnestedTable, positions: readonly number[]): Promise<Map<number, { root: number; index: number }>> {
  if (positions.length === 0) return new Map();
  const rows = await warehouse.query(
    `SELECT ${elements.position} AS position, ${quoteIdent(UNNESTED.index)} AS idx FROM ${elements.sql} ` +
      `WHERE ${elements.position} IN (${[...new Set(positions)].map((position) => String(Math.trunc(position))).join(", ")})`,
  );
  const records = await elements.recordsOf(rows.map((row) => Number(row.position)));
  const places = new Map<number, { root: number; index: number }>();
  for (const row of rows) {
    const root = records.get(Number(row.position));
    if (root !== undefined) places.set(Number(row.position), { root, index: Number(row.idx) });
  }
  return places;
}

/** The element at `index` of the list at `path` in a record's JSON text (undefined where there is none). */
function elementOf(text: string | undefined, path: readonly string[], index: number): unknown {
  if (text === undefined) return undefined;
  let value = parseRecord(text);
  for (const segment of path) value = isJsonObject(value) ? value[segment] : undefined;
  return isList(value) ? value[index] : undefined;
}

/**
 * Creates the child tables' staging tables from their plans. `records`: SQL for the
 * positions of the records whose elements are staged (a merge's winners, where a key
 * repeats); absent: every record's. A merge's child rows are its winners' alone, so they
 * carry nothing to pick them by.
 */
export async function stageChildren(
  warehouse: Warehouse,
  reader: FileReader,
  plans: readonly ChildPlan[],
  staging: RawStaging,
  stagingFor: (table: string) => string,
  records?: string,
): Promise<StagedChild[]> {
  const from = (elements: UnnestedTable) => (records === undefined ? elements.sql : `${elements.withRecords(RECORD)} WHERE ${quoteIdent(RECORD)} IN ${records}`);
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const staged: StagedChild[] = [];
  for (const plan of plans) {
    const name = stagingFor(plan.table);
    const select = plan.columns.map((column) => `${valueSql(column, reader, typeName)} AS ${quoteIdent(column.name)}`);
    const created = await warehouse.createTableAs(name, `SELECT ${select.join(", ")} FROM ${from(plan.elements)}`);
    const schema: TableSchema = new Map(plan.columns.map((column) => [column.name, column.type]));
    // Rows the run brought: a merge's losing records' elements too, as the page path counts them.
    staged.push({ table: plan.table, staging: name, schema, rows: records === undefined ? created.rows : plan.elements.rows });
  }
  return staged;
}
