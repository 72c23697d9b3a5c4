// The tables and columns the browser's DuckDB holds now (for SQL completion).
import { z } from "zod";
import type { Warehouse } from "@/lib/warehouse/types";
import type { SchemaTable } from "./monaco";

const columnRow = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() });

export async function readSchema(warehouse: Warehouse): Promise<SchemaTable[]> {
  const rows = await warehouse.query(
    "select table_name, column_name, data_type from information_schema.columns " +
      "where table_schema = 'main' and table_name not like '\\_ab\\_%' escape '\\' order by table_name, ordinal_position",
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
