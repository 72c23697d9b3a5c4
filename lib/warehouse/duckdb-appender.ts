// Bulk loading into DuckDB with its appender, one data chunk (up to 2048 rows) at a time.
import {
  DuckDBDataChunk,
  DuckDBTypeId,
  JSToDuckDBValueConverter,
  type DuckDBConnection,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";
import { WarehouseError } from "./errors";
import type { ColumnSpec } from "./types";
import type { LoadValue } from "./values";

/** DuckDB's vector size: the most rows one data chunk holds. */
const CHUNK_ROWS = 2048;

export interface TableColumn {
  name: string;
}

/**
 * Appends column-wise values (one array per spec column, in spec order) to an existing
 * table. Table columns the spec does not mention get NULL; a spec column the table lacks
 * is an error, since silently dropping data would be worse.
 */
export async function appendColumns(
  connection: DuckDBConnection,
  schema: string,
  table: string,
  tableColumns: TableColumn[],
  specs: ColumnSpec[],
  columns: LoadValue[][],
): Promise<void> {
  const sourceIndexByTableColumn = mapColumns(table, tableColumns, specs);
  const rowCount = columns[0]?.length ?? 0;
  const appender = await connection.createAppender(table, schema);
  try {
    const types = Array.from({ length: appender.columnCount }, (_, index) => appender.columnType(index));
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, rowCount);
      const chunk = DuckDBDataChunk.create(types, end - start);
      chunk.setColumns(
        types.map((type, tableIndex) => {
          const source = sourceIndexByTableColumn[tableIndex];
          const values = source === undefined ? undefined : columns[source];
          const out: DuckDBValue[] = new Array<DuckDBValue>(end - start);
          for (let row = start; row < end; row++) out[row - start] = toDuckDbValue(values?.[row] ?? null, type);
          return out;
        }),
      );
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function mapColumns(table: string, tableColumns: TableColumn[], specs: ColumnSpec[]): (number | undefined)[] {
  const specIndex = new Map<string, number>();
  specs.forEach((spec, index) => specIndex.set(spec.name.toLowerCase(), index));
  const mapped = tableColumns.map((column) => {
    const index = specIndex.get(column.name.toLowerCase());
    if (index !== undefined) specIndex.delete(column.name.toLowerCase());
    return index;
  });
  if (specIndex.size > 0) {
    const missing = [...specIndex.keys()].join(", ");
    throw new WarehouseError({
      kind: "column_mismatch",
      backendMessage: `table ${table} has no column(s) ${missing}`,
      hint: "the loaded data has columns the existing table lacks; add them first or replace the table",
    });
  }
  return mapped;
}

/** Converts a normalized value to what the column's vector expects; DuckDB's own
 * converter does the rest and throws on a real mismatch. */
function toDuckDbValue(value: LoadValue, type: DuckDBType): DuckDBValue {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return typeof value === "bigint" ? Number(value) : JSToDuckDBValueConverter(value, type, JSToDuckDBValueConverter);
    case DuckDBTypeId.VARCHAR:
      return value instanceof Date ? value.toISOString() : String(value);
    default:
      return JSToDuckDBValueConverter(value, type, JSToDuckDBValueConverter);
  }
}
