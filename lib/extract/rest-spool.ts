// A REST source's records spooled in the warehouse reader's private directory as the pages
// arrive, a file per page (memory holds one page; a body that is the records' array exactly
// is kept as it came, counted but neither decoded nor parsed), and loaded by DuckDB's JSON
// reader in chunks while later pages are fetched: the first page at once (a killed run
// leaves its staging tables for the next attempt to drop, as the page path does), then every
// CHUNK_UNITS scan units of records (FileReader.scanRows). The chunks are staged by SQL as one JSON file is
// (ExtractLoader.loadRaw). Where that cannot give the page path's exact tables, the spool is
// read back in the pages it came in (the page path's batches, and so its types, depend on
// them): the source is fetched once. A parsed page (the first always is) with a record the
// page path fails on (no primary key) hands the run over to it at once, the spooled pages
// first, so that it fails where and as the page path does, and no chunk is read for nothing;
// a later counted page's keys are checked by the staging, which fails the run with the page
// path's words once every page is fetched. Lists become child tables in SQL; the page path's
// write batches count their rows, so each page's are counted as it is spooled.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FileReader, RawTable, Warehouse } from "../warehouse/types";
import { isUnreadableJson, releaseRaw, unreadableJsonReason, writeBatchOf, type ExtractLoader } from "./load";
import { stageTableFor } from "./load/staging";

/**
 * Scan units (FileReader.scanRows) per chunk after the first page: DuckDB reads one while
 * the next is fetched. The chunks' union is copied a table after another, each table by as
 * many threads as it has units: chunks of 100,000 records (under one unit) were copied by
 * one thread, twice the time, or sorted in parallel, which held every row in memory
 * (about 110 MB more peak RSS at 1M records).
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

/** Spooled pages read by the warehouse as one part of the raw relation (their files read as one, in order). */
interface Chunk {
  /** The first chunk's table (see the header). */
  table: string;
  /** Position of its first record. */
  offset: number;
  rows: number;
  /** Its pages' files, in order (a page without records has none). */
  files: string[];
  /** The first chunk, loaded into its table at once. */
  loaded?: Promise<RawTable>;
  /** Its files as a relation, profiled ahead when the rows may be staged by SQL (null: a field's name clashes with the position's). */
  part?: Promise<RawTable | null>;
}

/** Pages up to this size are written at once, larger ones through the thread pool (see spoolPage). */
const WRITE_AT_ONCE_BYTES = 1024 * 1024;

/**
 * Writes a page's records to a file of its own: its body's bytes as they came, or its records
 * written again. Many small files read faster than one large one (DuckDB reads files in
 * parallel, one JSON array in one thread). None for a page without records. A page of the
 * usual size is written at once: into the page cache, the thread pool's round trips cost twice
 * the CPU of the write itself. A large one (up to a response's cap) does not hold the thread.
 */
async function spoolPage(dir: string, index: number, page: SpoolPage): Promise<string | undefined> {
  if (page.count === 0) return undefined;
  const file = path.join(dir, `${index}.json`);
  const data = page.bytes ?? JSON.stringify(page.records);
  if (data.length <= WRITE_AT_ONCE_BYTES) fs.writeFileSync(file, data, { flag: "wx" });
  else await fs.promises.writeFile(file, data, { flag: "wx" });
  return file;
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
  const chunks: Chunk[] = [];
  const sizes: number[] = [];
  /** Each spooled page's file (none for an empty one). */
  const files: (string | undefined)[] = [];
  /** Each spooled page's rows in every table (its records', and their lists' elements). */
  const rows: number[] = [];
  const raw = stageTableFor(`${asset}__0raw`, loader.stagingScope);
  const newChunk = (offset: number): Chunk => {
    const chunk: Chunk = { table: stageTableFor(`${asset}__0raw${chunks.length}`, loader.stagingScope), offset, rows: 0, files: [] };
    chunks.push(chunk);
    return chunk;
  };
  await fs.promises.mkdir(dir);
  try {
    const progress: SpoolProgress = { pages: 0, rows: 0 };
    let chunk: Chunk | null = newChunk(0);
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
        await dropChunks(warehouse, reader, chunks);
        for await (const back of readBack(files, sizes)) await loader.loadPage(back);
      }
      if (chunk === null) {
        await loader.loadPage(page.records);
      } else {
        const file = await spoolPage(dir, sizes.length, page);
        files.push(file);
        if (file !== undefined) chunk.files.push(file);
        chunk.rows += page.count;
        rows.push(page.rows ?? loader.pageRows(page.records));
        if (chunk.rows > 0 && (chunks.length === 1 || chunk.rows >= chunkRows)) {
          if (chunks.length === 1) {
            // The first chunk is staged before the run goes on (see the header).
            chunk.loaded = reader.load(chunk.table, chunk.files, "json", { persistent: true });
            await chunk.loaded.catch(() => undefined);
          }
          startPart(reader, loader, chunks, chunk);
          chunk = newChunk(progress.rows + page.count);
        }
      }
      sizes.push(page.count);
      progress.pages++;
      progress.rows += page.count;
      onPage(progress);
    }
    // Handed over to the page path: it has loaded every page.
    if (chunk === null) return;
    if (chunk.rows > 0) startPart(reader, loader, chunks, chunk);
    const loaded = chunks.filter((c) => c.rows > 0);
    if (await stagedInWarehouse(warehouse, reader, loader, raw, loaded, writeBatchOf(sizes, rows))) return;
    for await (const back of readBack(files, sizes)) await loader.loadPage(back);
  } finally {
    await dropChunks(warehouse, reader, chunks);
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** Drops the first chunk's table once every query over the chunks has settled (a load still running would make it again). */
async function dropChunks(warehouse: Warehouse, reader: FileReader, chunks: readonly Chunk[]): Promise<void> {
  await Promise.allSettled(chunks.flatMap((chunk) => [chunk.loaded, chunk.part]));
  for (const chunk of chunks) if (chunk.loaded !== undefined) await releaseRaw(warehouse, reader, chunk.table);
}

/**
 * Chunks profiled at once, at most: each holds its rows' buffers until it is done, and when
 * pages arrive faster than DuckDB reads them, profiles all started at once pile up.
 */
const PROFILES_AT_ONCE = 2;

/**
 * Makes `chunk` a relation over its files and, while the rows may still be staged by SQL,
 * profiles it ahead (ExtractLoader.profileAhead), once the chunk PROFILES_AT_ONCE before it is done.
 */
function startPart(reader: FileReader, loader: ExtractLoader, chunks: readonly Chunk[], chunk: Chunk): void {
  const slot = chunks[chunks.indexOf(chunk) - PROFILES_AT_ONCE]?.part?.catch(() => undefined);
  chunk.part = (slot ?? Promise.resolve()).then(async () => {
    const part = await reader.relation(chunk.files, "json", { rows: chunk.rows, offset: chunk.offset });
    if (part !== null && loader.rawBlocker() === null) await loader.profileAhead(reader, part);
    return part;
  });
  // Awaited later; until then a failure must not count as unhandled.
  chunk.part.catch(() => undefined);
}

async function stagedInWarehouse(warehouse: Warehouse, reader: FileReader, loader: ExtractLoader, raw: string, chunks: readonly Chunk[], batchOf: (position: number) => number): Promise<boolean> {
  try {
    let whole: RawTable | null;
    try {
      whole = await wholeRelation(reader, raw, chunks);
    } catch (error) {
      // Records DuckDB's reader refuses (not objects, a key twice, a lone surrogate) are the page path's.
      if (isUnreadableJson(error)) {
        loader.pagesBecause(unreadableJsonReason(error));
        return false;
      }
      throw error;
    }
    const records = { records: (positions: readonly number[]) => recordsAt(reader, chunks, positions) };
    return whole !== null && (await loader.loadRaw(reader, whole, batchOf, records, { childTables: true, refusals: true })) === null;
  } finally {
    await releaseRaw(warehouse, reader, raw);
  }
}

/**
 * The spool as one raw relation: the first chunk's table where it is the only one; else the
 * files read where the relation is used (no table written), in parts (the chunks, profiled
 * ahead) when the reader typed every chunk alike; else the files loaded into `raw`, where a
 * field's name clashes with the position's. Null: no chunk (no record).
 */
async function wholeRelation(reader: FileReader, raw: string, chunks: readonly Chunk[]): Promise<RawTable | null> {
  const [first] = chunks;
  if (first === undefined) return null;
  if (chunks.length === 1) return first.loaded ?? Promise.reject(new Error("the first chunk was not loaded"));
  const parts = await Promise.all(chunks.map((chunk) => chunk.part ?? Promise.reject(new Error("a chunk was not read"))));
  const files = chunks.flatMap((chunk) => chunk.files);
  const rows = chunks.reduce((sum, chunk) => sum + chunk.rows, 0);
  const columns = parts[0]?.columns;
  const shape = JSON.stringify(columns);
  if (columns !== undefined && parts.every((part) => part !== null && JSON.stringify(part.columns) === shape)) {
    // Typed alike part by part, so alike as a whole: the whole reads with the parts' columns.
    const whole = await reader.relation(files, "json", { rows, columns });
    if (whole !== null) return { ...whole, parts: parts.flatMap((part) => (part === null ? [] : [part])) };
  }
  return (await reader.relation(files, "json", { rows })) ?? (await reader.load(raw, files, "json"));
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

/** The spooled records in the pages they came in (`sizes`: every page's count, empty ones included). */
async function* readBack(files: readonly (string | undefined)[], sizes: readonly number[]): AsyncGenerator<unknown[]> {
  for (const [index, size] of sizes.entries()) {
    const file = files[index];
    if (file === undefined) {
      if (size > 0) throw new Error(`the spool lost page ${index + 1}`);
      yield [];
      continue;
    }
    const records: unknown = JSON.parse(await fs.promises.readFile(file, "utf8"));
    if (!Array.isArray(records) || records.length !== size) throw new Error(`the spool's page ${index + 1} does not read back`);
    yield records;
  }
}
