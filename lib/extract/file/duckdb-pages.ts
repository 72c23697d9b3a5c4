// CSV and Parquet through DuckDB's own readers (type sniffing, quoting, compression,
// row groups) on a private in-memory instance, locked to the data directory like the
// server's, so even a path that slipped past resolveDataPath could not be read.
// Results are streamed chunk by chunk; the file is never materialized.
import { assertNever } from "../../warehouse/errors";
import { IN_MEMORY, openLockedDuckDb } from "../../warehouse/duckdb-lockdown";
import { quoteLiteral } from "../../warehouse/types";
import { plainValueConverter } from "./duckdb-values";
import { FileSourceError } from "./errors";
import { pagesOf, type FileRecord, type PageOptions } from "./pages";

export type DuckDbFileFormat = "csv" | "parquet";

export async function* readDuckDbPages(
  file: string,
  format: DuckDbFileFormat,
  dataDir: string,
  shown: string,
  options: PageOptions,
): AsyncGenerator<FileRecord[]> {
  // A reader streams, so it needs little; the cap keeps it from competing with the
  // warehouse's own instance (2GB by default) in the same process.
  const db = await openLockedDuckDb({ path: IN_MEMORY, dataDir, memoryLimit: "512MB" });
  try {
    const chunks = async function* () {
      const result = await db.connection.stream(readerSql(file, format));
      yield* result.yieldConvertedRowObjects(plainValueConverter);
    };
    yield* pagesOf(withFileContext(chunks(), shown), options);
  } finally {
    db.release();
  }
}

function readerSql(file: string, format: DuckDbFileFormat): string {
  switch (format) {
    case "csv":
      return `SELECT * FROM read_csv(${quoteLiteral(file)})`;
    case "parquet":
      return `SELECT * FROM read_parquet(${quoteLiteral(file)})`;
    default:
      return assertNever(format);
  }
}

/** DuckDB's read errors (bad quoting, a value its sniffer did not expect) say what is wrong but not which cell key. */
async function* withFileContext<T>(source: AsyncIterable<T>, shown: string): AsyncGenerator<T> {
  try {
    yield* source;
  } catch (error) {
    if (error instanceof FileSourceError || isAbort(error)) throw error;
    // DuckDB's "Possible solutions" name reader options a cell cannot set; the diagnosis above them stays.
    const detail = (error instanceof Error ? error.message : String(error)).split(/\n\s*Possible solutions/)[0]?.trim();
    throw new FileSourceError("path", `cannot read "${shown}": ${detail}`, { cause: error });
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}
