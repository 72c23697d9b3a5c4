// A REST source's records spooled in the warehouse reader's private directory as the pages
// arrive, pages joined into files of a few hundred kilobytes (spool-files.ts; memory holds one
// page; a body that is the records' array exactly is kept as it came, counted but neither
// decoded nor parsed), and read by DuckDB's JSON
// reader in chunks while later pages are fetched (spool-chunks.ts): the first page at once
// (a killed run leaves its staging tables for the next attempt to drop, as the page path
// does), then every CHUNK_UNITS scan units of records (FileReader.scanRows), each profiled as
// it is read. Once every page is in, the files are staged by SQL as one relation
// (ExtractLoader.loadRaw), planned from the chunks' profiles and written once. Where that
// cannot give the page path's exact tables, the spool is read back in the pages it came in
// (the page path's batches, and so its types, depend on them): the source is fetched once. A
// parsed page (the first always is) with a record the page path fails on (no primary key)
// hands the run over to it at once, the spooled pages first, so that it fails where and as
// the page path does, and no chunk is read for nothing; a later counted page's keys are
// checked by the staging, which fails the run with the page path's words once every page is
// fetched. Lists become child tables in SQL; the page path's write batches count their rows,
// so each page's are counted as it is spooled.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FileReader, RawTable, Warehouse } from "../warehouse/types";
import { isUnreadableJson, releaseRaw, unreadableJsonReason, writeBatchOf, type ExtractLoader } from "./load";
import { stageTableFor } from "./load/staging";
import { SpoolChunks, type Chunk } from "./spool-chunks";
import { SpoolFiles } from "./spool-files";

/**
 * Scan units (FileReader.scanRows) per chunk after the first page: DuckDB profiles a chunk
 * while the next is fetched; a smaller chunk costs as many queries for fewer records.
 */
const CHUNK_UNITS = 2;

export interface SpoolProgress {
  pages: number;
  rows: number;
}

/** A page of records, and the JSON array they were read from when exactly so (kept as it came). */
export interface SpoolPage {
  /** How many records it holds. */
  count: number;
  /** Its records (parsed on first use, when `rows` were counted from the bytes). */
  readonly records: readonly unknown[];
  bytes?: Buffer;
  /** The rows its records bring in every table (theirs and their lists'), counted from `bytes` without parsing them. */
  rows?: number;
  /** Its records lose something written again (mayLoseNumbers): the run goes the page path's way. */
  pageOnly?: boolean;
}

/**
 * Whether JSON text may hold a number JSON.stringify cannot write back as JSON.parse read it:
 * one beyond a double's range (1e400 reads as Infinity, written as null) or a negative zero
 * (written as 0). Conservative: it looks at strings too.
 */
export function mayLoseNumbers(text: string): boolean {
  return /[eE]\+?0*[1-9]\d{2,}|\d{300,}/.test(text) || /-0(?:\.0*)?(?:[eE][+-]?\d+)?(?![\d.eE])/.test(text);
}

/** Spools `pages`, then stages them in the warehouse or, failing that, through the loader page by page. */
export async function loadThroughSpool(
  warehouse: Warehouse,
  reader: FileReader,
  loader: ExtractLoader,
  pages: AsyncIterable<SpoolPage>,
  asset: string,
  onPage: (progress: SpoolProgress) => void,
  chunkRows = CHUNK_UNITS * reader.scanRows,
): Promise<void> {
  const dir = path.join(reader.spoolDir, randomUUID());
  const sizes: number[] = [];
  const files = new SpoolFiles(dir);
  /** Each spooled page's rows in every table (its records', and their lists' elements). */
  const rows: number[] = [];
  const raw = stageTableFor(`${asset}__0raw`, loader.stagingScope);
  const chunks: Chunk[] = [];
  const spooled = new SpoolChunks(warehouse, reader, loader, asset, chunks);
  await fs.promises.mkdir(dir);
  try {
    const progress: SpoolProgress = { pages: 0, rows: 0 };
    let chunk: Chunk | null = spooled.add(0);
    for await (const page of pages) {
      // A page counted from its bytes is not parsed to look for a record without its primary key
      // (staging checks the keys, raw-table.ts, and fails the run as the page path would), but the
      // first is: a key no record has fails there, before the rest of the source is fetched.
      const blocker =
        chunk === null
          ? null
          : page.pageOnly === true
            ? "a page's records cannot be spooled as they came (no body text, or numbers beyond a double or -0)"
            : page.rows === undefined || sizes.length === 0
              ? loader.pageBlocker(page.records)
              : null;
      if (chunk !== null && blocker !== null) {
        loader.pagesBecause(blocker);
        chunk = null;
        await spooled.release();
        for await (const back of files.readBack()) await loader.loadPage(back);
      }
      if (chunk === null) {
        await loader.loadPage(page.records);
      } else {
        const filled = await files.add({ count: page.count, array: page.bytes ?? JSON.stringify(page.records) });
        if (filled !== undefined) chunk.files.push(filled);
        chunk.rows += page.count;
        rows.push(page.rows ?? loader.pageRows(page.records));
        sizes.push(page.count);
        const first = spooled.chunks.length === 1;
        if (chunk.rows > 0 && (first || chunk.rows >= chunkRows)) {
          finishFile(files, chunk);
          // The first chunk is staged before the run goes on (see the header).
          if (first) await spooled.loadFirst(chunk);
          spooled.read(chunk);
          chunk = spooled.add(progress.rows + page.count);
        }
      }
      if (chunk === null) sizes.push(page.count);
      progress.pages++;
      progress.rows += page.count;
      onPage(progress);
    }
    // Handed over to the page path: it has loaded every page.
    if (chunk === null) return;
    if (chunk.rows > 0) {
      finishFile(files, chunk);
      spooled.read(chunk);
    }
    if (await stagedInWarehouse(warehouse, reader, loader, raw, spooled, writeBatchOf(sizes, rows))) return;
    for await (const back of files.readBack()) await loader.loadPage(back);
  } finally {
    files.close();
    await spooled.release();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Closes the file being written, the last of `chunk`'s (a chunk is read as whole files). */
function finishFile(files: SpoolFiles, chunk: Chunk): void {
  const file = files.finish();
  if (file !== undefined) chunk.files.push(file);
}

async function stagedInWarehouse(warehouse: Warehouse, reader: FileReader, loader: ExtractLoader, raw: string, spooled: SpoolChunks, batchOf: (position: number) => number): Promise<boolean> {
  try {
    let whole: RawTable | null;
    try {
      whole = await spooled.whole(raw);
    } catch (error) {
      // Records DuckDB's reader refuses (not objects, a key twice, a lone surrogate) are the page path's.
      if (isUnreadableJson(error)) {
        loader.pagesBecause(unreadableJsonReason(error));
        return false;
      }
      throw error;
    }
    const records = { records: (positions: readonly number[]) => recordsAt(reader, spooled.chunks, positions) };
    return whole !== null && (await loader.loadRaw(reader, whole, batchOf, records, { childTables: true, refusals: true })) === null;
  } finally {
    await releaseRaw(warehouse, reader, raw);
  }
}

/** The JSON text of records by their position in the whole spool. */
async function recordsAt(reader: FileReader, chunks: readonly Chunk[], positions: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const chunk of chunks) {
    const local = positions.filter((p) => p >= chunk.offset && p < chunk.offset + chunk.rows).map((p) => p - chunk.offset);
    if (local.length === 0) continue;
    for (const [position, text] of await reader.records(chunk.files, "json", local)) found.set(position + chunk.offset, text);
  }
  return found;
}
