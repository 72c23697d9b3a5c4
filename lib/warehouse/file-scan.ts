// CSV and Parquet through DuckDB's own readers (type sniffing, quoting, compression, row
// groups) on a private in-memory instance, locked to the data directory like the server's,
// so even a path that slipped past the caller's checks could not be read. Rows stream chunk
// by chunk as plain values (duckdb-values.ts); the file is never materialized.
import { IN_MEMORY, openLockedDuckDb } from "./duckdb-lockdown";
import { plainValueConverter } from "./duckdb-values";
import { assertNever } from "./errors";
import { quoteLiteral } from "./types";

export type ScannedFileFormat = "csv" | "parquet";

export async function* scanFile(file: string, format: ScannedFileFormat, dataDir: string): AsyncGenerator<Record<string, unknown>[]> {
  // A reader streams, so it needs little; the cap keeps it from competing with the
  // warehouse's own instance (2GB by default) in the same process.
  const db = await openLockedDuckDb({ path: IN_MEMORY, dataDir, memoryLimit: "512MB" });
  try {
    const result = await db.connection.stream(readerSql(file, format));
    yield* result.yieldConvertedRowObjects(plainValueConverter);
  } finally {
    db.release();
  }
}

function readerSql(file: string, format: ScannedFileFormat): string {
  switch (format) {
    case "csv":
      return `SELECT * FROM read_csv(${quoteLiteral(file)})`;
    case "parquet":
      return `SELECT * FROM read_parquet(${quoteLiteral(file)})`;
    default:
      return assertNever(format);
  }
}
