// A CSV, Parquet, JSON or NDJSON source read by the warehouse's own reader (Warehouse.files)
// into a raw table, then staged by SQL (ExtractLoader.loadRaw): no row passes through
// JavaScript. Where that cannot give the page path's exact tables, the source is read page
// by page.
import { stageTableFor } from "../load/staging";
import { isUnreadableJson, releaseRaw, uniformWriteBatchOf, unreadableJsonReason, WRITE_BATCH_ROWS, type ExtractLoader } from "../load";
import { DEFAULT_PAGE_SIZE } from "./pages";
import type { Warehouse } from "../../warehouse/types";
import { FileSourceError } from "./errors";
import { fileFormatFor } from "./format";
import type { FileSourceConfig } from "./read-file-pages";
import { resolveDataFile } from "./resolve-path";

/** Whether the source's rows are staged; false: nothing was, and the pages must be read. */
export async function loadInWarehouse(warehouse: Warehouse, loader: ExtractLoader, dataDir: string, source: FileSourceConfig, asset: string): Promise<boolean> {
  const reader = warehouse.files;
  // `data_path` on a CSV or Parquet file is an error the page path reports; in a JSON
  // document it points inside it, which the page path follows.
  if (reader === undefined) return false;
  const blocker = loader.rawBlocker();
  if (blocker !== null) return notLoaded(loader, blocker);
  if (source.data_path !== undefined) return notLoaded(loader, "data_path is followed page by page");
  const format = fileFormatFor(source.path, source.format);
  const json = format === "json" || format === "ndjson";
  const { file, dataDir: realDir, shown } = resolveDataFile(dataDir, source.path);
  if (realDir !== reader.dataDir) return notLoaded(loader, "the file lies outside the warehouse reader's data directory");
  // No child table is named so (a field's name never starts with a digit), and a killed
  // run's raw table goes with its other staging tables (dropLeftoverStaging).
  const raw = stageTableFor(`${asset}__0raw`, loader.stagingScope);
  try {
    let loaded;
    try {
      const typed = format === "csv" || format === "parquet" ? format : null;
      const computed = typed === null ? undefined : await loader.contentKeyWhileReading(reader, () => reader.columns(file, typed));
      loaded = await reader.load(raw, file, format, computed === undefined ? {} : { computed });
    } catch (error) {
      // JSON the reader refuses (a record that is not an object, a key twice, text JSON.parse
      // reads otherwise) is the page path's, which reads it or names the line that is wrong.
      if (json && isUnreadableJson(error)) return notLoaded(loader, unreadableJsonReason(error));
      // DuckDB's "Possible solutions" name reader options a cell cannot set; the diagnosis above them stays.
      const detail = (error instanceof Error ? error.message : String(error)).split(/\n\s*Possible solutions/)[0]?.trim();
      throw new FileSourceError("path", `cannot read "${shown}": ${detail}`, { cause: error });
    }
    const records = json ? { records: (positions: readonly number[]) => reader.records(file, format, positions) } : undefined;
    // A file's pages are written one by one whatever child rows they bring (DEFAULT_PAGE_SIZE is a
    // whole write batch), so the page path's batches, and so its types, are the records' alone.
    return (await loader.loadRaw(reader, loaded, uniformWriteBatchOf(DEFAULT_PAGE_SIZE), records, { childTables: DEFAULT_PAGE_SIZE >= WRITE_BATCH_ROWS })) === null;
  } finally {
    await releaseRaw(warehouse, reader, raw);
  }
}

function notLoaded(loader: ExtractLoader, reason: string): false {
  loader.pagesBecause(reason);
  return false;
}
