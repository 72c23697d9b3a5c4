// The last step of an extract's staging, before the swap: the tables that replace the
// targets, built from what the run staged. Append swaps in the staged copies; replace also
// empties a table the run brought no rows for (a list that is gone); merge folds the new
// rows into the target's by key (merge-sql.ts).
import { assertNever } from "../../warehouse/errors";
import { quoteIdent, type LogicalType, type Swap, type Warehouse } from "../../warehouse/types";
import type { TableSchema } from "../normalize/schema";
import type { WriteDisposition } from "./load-options";
import { mergeChildSql, mergedSchema, mergeRootSql, ROOT_KEY_COLUMN } from "./merge-sql";
import { stageTableFor, type StagingScope, type StagingTable } from "./staging";

export interface FinalStagingContext {
  warehouse: Warehouse;
  asset: string;
  disposition: WriteDisposition;
  scope: StagingScope | undefined;
  /** The run's staged tables by target. */
  staging: ReadonlyMap<string, StagingTable>;
  /** The root's primary key columns (none: rows are keyed by `_row_key`). */
  keyColumns: readonly string[];
  /** SQL over the target aliased `t`: the rows a partitioned run replaces (null: all). */
  targetCondition: string | null;
  /** Tables of the asset that exist, touched by this run or not. */
  existingTables(): Promise<string[]>;
  targetSchema(table: string): Promise<TableSchema | null>;
  /** Notes a table made here, which an aborted run drops. */
  created(name: string): void;
}

export async function finalStagingTables(context: FinalStagingContext): Promise<Swap[]> {
  switch (context.disposition) {
    case "append":
      return [...context.staging].filter(([, staged]) => staged.exists).map(([target, staged]) => ({ staging: staged.name, target }));
    case "replace":
      return finalReplace(context);
    case "merge":
      return finalMerge(context);
    default:
      return assertNever(context.disposition);
  }
}

/** Tables the run did not bring rows for are replaced by empty ones (a list that is gone). */
async function finalReplace(context: FinalStagingContext): Promise<Swap[]> {
  const swaps: Swap[] = [];
  const tables = new Set([...context.staging.keys(), ...(await context.existingTables())]);
  for (const table of tables) {
    const staged = context.staging.get(table);
    const name = stageTableFor(table, context.scope);
    if (!staged?.exists) {
      context.created(name);
      await context.warehouse.exec(`CREATE TABLE ${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(table)} LIMIT 0`);
    }
    swaps.push({ staging: name, target: table });
  }
  return swaps;
}

async function finalMerge(context: FinalStagingContext): Promise<Swap[]> {
  const { asset, warehouse } = context;
  const root = context.staging.get(asset);
  if (!root?.exists) return [];
  const typeName = (type: LogicalType) => warehouse.dialect.typeName(type);
  const keyColumns = context.keyColumns.length > 0 ? context.keyColumns : ["_row_key"];
  const swaps: Swap[] = [];
  const existing = await context.existingTables();
  // The first run of a merge whose new rows are its winners: they are the tables.
  if (root.winnersOnly && context.targetCondition === null && existing.length === 0) return firstMerge(context);
  const tables = new Set([asset, ...context.staging.keys(), ...existing]);
  for (const table of tables) {
    const staged = context.staging.get(table);
    const newRows = staged?.exists ? { table: staged.name, schema: staged.schema, winnersOnly: staged.winnersOnly } : null;
    const targetSchema = await context.targetSchema(table);
    // A child table's rows are replaced by their root's key, which winners keep only where one exists (raw-table.ts).
    if (table !== asset && targetSchema !== null && !root.schema.has(ROOT_KEY_COLUMN)) throw new Error(`merge of "${asset}": its new rows have no root keys for the rows of "${table}"`);
    const input = {
      stage: stageTableFor(table, context.scope),
      target: table,
      targetCondition: context.targetCondition,
      targetSchema,
      newRows,
      final: mergedSchema(targetSchema, newRows?.schema ?? null),
      typeName,
    };
    context.created(input.stage);
    const sql = table === asset ? mergeRootSql({ ...input, keyColumns }) : mergeChildSql({ ...input, newRoot: root.name });
    await warehouse.exec(sql);
    swaps.push({ staging: input.stage, target: table });
  }
  return swaps;
}

/** A merge's winners staged for tables that do not exist yet become them (they carry no merge column then, raw-table.ts). */
function firstMerge(context: FinalStagingContext): Swap[] {
  return [...context.staging].filter(([, staged]) => staged.exists).map(([target, staged]) => ({ staging: staged.name, target }));
}
