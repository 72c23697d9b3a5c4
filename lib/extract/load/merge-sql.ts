// SQL that folds a merge run's new rows into the existing tables. The result goes into a
// staging table; the swap then puts it in place. Plain SQL DuckDB and PostgreSQL accept.
import type { Dialect } from "../../warehouse/dialect";
import type { LogicalType } from "../../warehouse/types";
import { quoteIdent } from "../../warehouse/types";
import { widenType } from "../normalize/logical-types";
import type { TableSchema } from "../normalize/schema";

/** Internal columns of the new-rows tables; they never reach the target tables. */
export const SEQ_COLUMN = "_ab_seq";
export const ROOT_KEY_COLUMN = "_ab_root_key";

type TypeName = Dialect["typeName"];

/** Target columns first (in their order), then the new ones; types widened to hold both. */
export function mergedSchema(target: TableSchema | null, incoming: TableSchema | null): TableSchema {
  const merged: TableSchema = new Map(target ?? []);
  for (const [name, type] of incoming ?? []) {
    if (name === SEQ_COLUMN || name === ROOT_KEY_COLUMN) continue;
    const existing = merged.get(name);
    merged.set(name, existing === undefined ? type : widenType(existing, type));
  }
  return merged;
}

function selectList(final: TableSchema, source: TableSchema, alias: string, typeName: TypeName): string {
  return [...final]
    .map(([name, type]) => {
      const column = quoteIdent(name);
      const sourceType = source.get(name);
      if (sourceType === undefined) return `CAST(NULL AS ${typeName(type)}) AS ${column}`;
      if (sourceType === type) return `${alias}.${column}`;
      return `CAST(${alias}.${column} AS ${typeName(type)}) AS ${column}`;
    })
    .join(", ");
}

function castColumn(alias: string, name: string, type: LogicalType, typeName: TypeName): string {
  return `CAST(${alias}.${quoteIdent(name)} AS ${typeName(type)})`;
}

/**
 * The newest new row per root key: within one run the last record for a key wins. Each
 * record has its own seq, so the winner is the row with its key's largest seq; a GROUP BY
 * over (key, seq) costs far less than a window over whole rows.
 */
function winnersSql(newRoot: string): string {
  return `(SELECT * FROM ${quoteIdent(newRoot)} r WHERE r.${quoteIdent(SEQ_COLUMN)} IN ${winningSeqsSql(newRoot)})`;
}

function winningSeqsSql(newRoot: string): string {
  return `(SELECT max(m.${quoteIdent(SEQ_COLUMN)}) FROM ${quoteIdent(newRoot)} m GROUP BY m.${quoteIdent(ROOT_KEY_COLUMN)})`;
}

export interface MergeTableInput {
  stage: string;
  target: string;
  /** The target's columns; null when it does not exist yet. */
  targetSchema: TableSchema | null;
  /** Which of the target's rows (alias `t`) the merge reads and replaces; null: all of them. */
  targetCondition?: string | null;
  /**
   * The new-rows table of this run and its columns; null when the run brought none.
   * `winnersOnly`: its rows are the winners already (a root's one per key, a child table's
   * those of the winning records), with no need of the seq column to pick them.
   */
  newRows: { table: string; schema: TableSchema; winnersOnly?: boolean } | null;
  final: TableSchema;
  typeName: TypeName;
}

/**
 * Root table: existing rows whose key the run does not bring, plus the newest new row per
 * key. `keyColumns` is the primary key (or `_row_key` when there is none).
 */
export function mergeRootSql(input: MergeTableInput & { keyColumns: readonly string[] }): string {
  const { stage, target, targetSchema, newRows, final, typeName, keyColumns } = input;
  const scoped = input.targetCondition ? `${input.targetCondition} AND ` : "";
  if (!newRows) throw new Error("a merge of the root table needs new rows");
  const parts: string[] = [];
  if (targetSchema) {
    const matches = keyColumns
      .map((key) => {
        const type = final.get(key) ?? "VARCHAR";
        return `${castColumn("n", key, type, typeName)} IS NOT DISTINCT FROM ${castColumn("t", key, type, typeName)}`;
      })
      .join(" AND ");
    parts.push(
      `SELECT ${selectList(final, targetSchema, "t", typeName)} FROM ${quoteIdent(target)} t ` +
        `WHERE ${scoped}NOT EXISTS (SELECT 1 FROM ${quoteIdent(newRows.table)} n WHERE ${matches})`,
    );
  }
  const winners = newRows.winnersOnly === true ? quoteIdent(newRows.table) : winnersSql(newRows.table);
  parts.push(`SELECT ${selectList(final, newRows.schema, "w", typeName)} FROM ${winners} w`);
  return `CREATE TABLE ${quoteIdent(stage)} AS ${parts.join(" UNION ALL ")}`;
}

/**
 * Child table: existing rows of roots the run does not bring (a merged root's children are
 * replaced as a whole, so removed list items go away), plus the new rows of winning records.
 */
export function mergeChildSql(input: MergeTableInput & { newRoot: string }): string {
  const { stage, target, targetSchema, newRows, final, typeName, newRoot } = input;
  const scoped = input.targetCondition ? `${input.targetCondition} AND ` : "";
  const parts: string[] = [];
  if (targetSchema) {
    parts.push(
      `SELECT ${selectList(final, targetSchema, "t", typeName)} FROM ${quoteIdent(target)} t ` +
        `WHERE ${scoped}NOT EXISTS (SELECT 1 FROM ${quoteIdent(newRoot)} n WHERE n.${quoteIdent(ROOT_KEY_COLUMN)} = t.${quoteIdent("_root_key")})`,
    );
  }
  if (newRows) {
    const winning = newRows.winnersOnly === true ? "" : ` WHERE c.${quoteIdent(SEQ_COLUMN)} IN ${winningSeqsSql(newRoot)}`;
    parts.push(`SELECT ${selectList(final, newRows.schema, "c", typeName)} FROM ${quoteIdent(newRows.table)} c${winning}`);
  }
  if (parts.length === 0) throw new Error("a merge of a child table needs its target or new rows");
  return `CREATE TABLE ${quoteIdent(stage)} AS ${parts.join(" UNION ALL ")}`;
}
