// Data files read by DuckDB's own readers, into a table of the warehouse: the extract's file
// sources load without a row passing through JavaScript (lib/extract/load/raw-table.ts).
// Only a DuckDB opened with a data directory may read, and only there (duckdb-lockdown.ts).
import { assertNever } from "./errors";
import { quoteLiteral, type CreatedTable, type FileReader } from "./types";

export function duckdbFileReader(dataDir: string, createTableAs: (table: string, select: string) => Promise<CreatedTable>): FileReader {
  return {
    dataDir,
    load: (table, file, format) => createTableAs(table, `SELECT * FROM ${readerOf(format)}(${quoteLiteral(file)})`),
    sql: {
      // A table made by CREATE TABLE AS keeps its rows in the order the reader gave them.
      position: "rowid",
      isWhole: (e) => `(${e} = trunc(${e}) AND abs(${e}) < 9223372036854775808)`,
      isOrdinaryTime: (e) => `(isfinite(${e}) AND ${e} >= DATE '0001-01-01' AND ${e} < DATE '10000-01-01')`,
      matches: (e, pattern) => `regexp_full_match(${e}, ${quoteLiteral(pattern)}, 'i')`,
      toMillis: (e) => `date_trunc('millisecond', ${e})`,
    },
  };
}

function readerOf(format: "csv" | "parquet"): string {
  switch (format) {
    case "csv":
      return "read_csv";
    case "parquet":
      return "read_parquet";
    default:
      return assertNever(format);
  }
}
