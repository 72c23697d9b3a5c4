// A file source as pages of records for the extract loader (loadExtract).
import { assertNever } from "../../warehouse/errors";
import { readDuckDbPages } from "./duckdb-pages";
import { FileSourceError } from "./errors";
import { fileFormatFor, type FileFormat } from "./format";
import { readJsonPages, readNdjsonPages } from "./json-pages";
import { DEFAULT_PAGE_SIZE, type FileRecord, type PageOptions } from "./pages";
import { resolveDataFile } from "./resolve-path";

/** The file-source keys of an extract cell (lib/notebook/schemas/extract.ts). */
export interface FileSourceConfig {
  path: string;
  format?: FileFormat;
  /** Where the records are in a .json document (`results.items`); JSON only. */
  data_path?: string;
}

export interface ReadFilePagesOptions {
  /** Records per page; default 10,000. */
  pageSize?: number;
  signal?: AbortSignal;
}

/**
 * Checks the path and format up front (so a bad cell fails before anything is opened),
 * then streams the file as pages.
 */
export function readFilePages(
  dataDir: string,
  config: FileSourceConfig,
  options: ReadFilePagesOptions = {},
): AsyncIterable<FileRecord[]> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const format = fileFormatFor(config.path, config.format);
  if (config.data_path !== undefined && format !== "json") {
    throw new FileSourceError("data_path", `only for JSON files; "${config.path}" is read as ${format}`);
  }
  const { file, dataDir: realDataDir, shown } = resolveDataFile(dataDir, config.path);
  const pageOptions: PageOptions = { pageSize, signal: options.signal };
  switch (format) {
    case "csv":
    case "parquet":
      return readDuckDbPages(file, format, realDataDir, shown, pageOptions);
    case "json":
      return readJsonPages(file, shown, config.data_path, pageOptions);
    case "ndjson":
      return readNdjsonPages(file, shown, pageOptions);
    default:
      return assertNever(format);
  }
}
