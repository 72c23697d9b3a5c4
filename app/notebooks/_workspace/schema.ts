// The tables and columns the browser's DuckDB holds now (for SQL completion).
import { z } from "zod";
import type { Notebook } from "@/lib/notebook/types";
import type { Warehouse } from "@/lib/warehouse/types";
import type { SchemaTable } from "./monaco";

const columnRow = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() });

export async function readSchema(warehouse: Warehouse): Promise<SchemaTable[]> {
  // DuckDB's own catalog function: the browser's warehouse is DuckDB, and its
  // information_schema view costs ten times as much on the worker after every run.
  const rows = await warehouse.query(
    "select table_name, column_name, data_type from duckdb_columns() " +
      "where schema_name = 'main' and table_name not like '\\_ab\\_%' escape '\\' order by table_name, column_index",
  );
  const tables = new Map<string, SchemaTable>();
  for (const raw of rows) {
    const row = columnRow.safeParse(raw);
    if (!row.success) continue;
    const table = tables.get(row.data.table_name) ?? { name: row.data.table_name, columns: [] };
    table.columns.push({ name: row.data.column_name, type: row.data.data_type });
    tables.set(table.name, table);
  }
  return [...tables.values()];
}

/**
 * The tables completion offers: those the notebook has now (its assets and the externals
 * it declares). The browser's DuckDB still holds a renamed or deleted asset's old table.
 */
export function notebookTables(tables: readonly SchemaTable[], notebook: Notebook): SchemaTable[] {
  const names = new Set<string>((notebook.frontMatter.external ?? []).map((name) => name.toLowerCase()));
  for (const cell of notebook.cells) {
    if (cell.type !== "asset") continue;
    names.add(cell.name.toLowerCase());
    if (cell.kind === "sql") for (const name of cell.config.external ?? []) names.add(name.toLowerCase());
  }
  return tables.filter((table) => names.has(table.name.toLowerCase()));
}
