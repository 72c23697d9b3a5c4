// What an extract remembers about its asset between runs, stored by the swap with the data:
// its tables (so a later run finds child tables it brought no rows for) and the source
// name of every column (so collisions resolve the same way on every run).
import { z } from "zod";
import type { Column, Warehouse } from "../../warehouse/types";
import { quoteIdent } from "../../warehouse/types";
import type { NameMapping } from "../normalize/names";
import { CURRENT_ROW_KEY_VERSION, type RowKeyVersion } from "../normalize/row-key";

export function schemaStateKey(asset: string): string {
  return `extract:${asset}:schema`;
}

const assetStateSchema = z.object({
  tables: z.array(z.string()),
  names: z.record(z.string(), z.record(z.string(), z.string())),
  /** How rows without a primary key are keyed (row-key.ts); absent in state written before there were versions. */
  rowKeys: z.union([z.literal(1), z.literal(2)]).optional(),
});
export type AssetState = z.infer<typeof assetStateSchema>;

/**
 * How a run keys rows by their content: as the asset's earlier runs did, so a merge or an
 * append meets its own keys again, unless the run rewrites every row (a replace of the whole
 * asset), which takes the current version. An asset written before versions were stored was
 * keyed by the first.
 */
export async function rowKeyVersionFor(previous: AssetState, rewritesEveryRow: boolean, assetExists: () => Promise<boolean>): Promise<RowKeyVersion> {
  if (rewritesEveryRow) return CURRENT_ROW_KEY_VERSION;
  if (previous.rowKeys !== undefined) return previous.rowKeys;
  return (await assetExists()) ? 1 : CURRENT_ROW_KEY_VERSION;
}

/** The state of the last successful run; empty when there was none (or it is unreadable). */
export async function readAssetState(warehouse: Warehouse, asset: string): Promise<AssetState> {
  const parsed = assetStateSchema.safeParse(await warehouse.readState(schemaStateKey(asset)));
  return parsed.success ? parsed.data : { tables: [], names: {} };
}

export interface LoadedTable {
  name: string;
  /** Rows in the table after the run. */
  rows: number;
  /** Rows this run brought (before merge deduplication). */
  loadedRows: number;
  columns: Column[];
}

/** Rows, columns and source names of the tables a run swapped in. */
export async function describeLoadedTables(
  warehouse: Warehouse,
  tables: readonly string[],
  loadedRows: (table: string) => number,
  mapping: NameMapping,
  /** Count only these rows (a partition's); null: the whole table. */
  rowCondition: string | null = null,
): Promise<{ tables: LoadedTable[]; names: NameMapping }> {
  const loaded: LoadedTable[] = [];
  const names: NameMapping = {};
  for (const name of tables) {
    const columns = (await warehouse.describe(name)) ?? [];
    const [count] = await warehouse.query(`SELECT count(*) AS n FROM ${quoteIdent(name)}${rowCondition === null ? "" : ` WHERE ${rowCondition}`}`);
    loaded.push({ name, rows: Number(count?.n ?? 0), loadedRows: loadedRows(name), columns });
    // Only real columns: the namer also holds the names of list fields (child tables).
    const sources = mapping[name] ?? {};
    const tableNames: Record<string, string> = {};
    for (const column of columns) {
      const source = sources[column.name];
      if (source !== undefined) tableNames[column.name] = source;
    }
    names[name] = tableNames;
  }
  return { tables: loaded, names };
}
