// CSV and Parquet files as pages of records, read by the warehouse layer's DuckDB file scan
// (locked to the data directory); its read errors name the cell's `path`.
import { scanFile, type ScannedFileFormat } from "../../warehouse/file-scan";
import { FileSourceError } from "./errors";
import { pagesOf, type FileRecord, type PageOptions } from "./pages";

export type DuckDbFileFormat = ScannedFileFormat;

export async function* readDuckDbPages(
  file: string,
  format: DuckDbFileFormat,
  dataDir: string,
  shown: string,
  options: PageOptions,
): AsyncGenerator<FileRecord[]> {
  yield* pagesOf(withFileContext(scanFile(file, format, dataDir), shown), options);
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
