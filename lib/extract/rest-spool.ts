// A REST source's records spooled as JSON arrays in the warehouse reader's private directory
// as the pages arrive (memory holds one page; a body that is the records' array exactly is
// kept as it came, not parsed and written again), and loaded by DuckDB's JSON reader in chunks
// while later pages are fetched: the first page at once (a killed run leaves its staging
// tables for the next attempt to drop, as the page path does), then every CHUNK_ROWS records.
// The chunks are staged by SQL as one JSON file is (ExtractLoader.loadRaw). Where that
// cannot give the page path's exact tables, the spool is read back in the pages it came in
// (the page path's batches, and so its types, depend on them): the source is fetched once.
// A page with a record the page path fails on (no primary key) hands the run over to it at
// once, the spooled pages first, so that it fails where and as the page path does, and no
// chunk is read for nothing. Lists become child tables in SQL; the page path's write batches
// count their rows, so each page's are counted as it is spooled.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { FileReader, RawTable, Warehouse } from "../warehouse/types";
import { quoteIdent } from "../warehouse/types";
import { isUnreadableJson, releaseRaw, unreadableJsonReason, writeBatchOf, type ExtractLoader } from "./load";
import { stageTableFor } from "./load/staging";

/** Records per chunk after the first page: DuckDB reads one while the next is fetched. */
const CHUNK_ROWS = 100_000;
const POSITION = "__assetbook_position";

export interface SpoolProgress {
  pages: number;
  rows: number;
}

/** A page of records, and the JSON array they were read from when exactly so (kept as it came). */
export interface SpoolPage {
  records: readonly unknown[];
  bytes?: Buffer;
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

/**
 * A spool file: one JSON array of records, written a page at a time. Each page's records are
 * the array's elements between two byte offsets (the page's own bytes, or its records written again).
 */
interface Chunk {
  file: string;
  table: string;
  /** Position of its first record. */
  offset: number;
  rows: number;
  /** Per page with records: where its elements lie in the file. */
  spans: { page: number; start: number; end: number }[];
  loaded?: Promise<RawTable>;
}

class SpoolWriter {
  private bytes = 0;
  private constructor(
    private readonly handle: fs.promises.FileHandle,
    readonly chunk: Chunk,
  ) {}

  static async open(chunk: Chunk): Promise<SpoolWriter> {
    const writer = new SpoolWriter(await fs.promises.open(chunk.file, "wx"), chunk);
    await writer.write(Buffer.from("["));
    return writer;
  }

  async page(index: number, page: SpoolPage): Promise<void> {
    if (page.records.length === 0) return;
    const elements = page.bytes === undefined ? Buffer.from(page.records.map((record) => JSON.stringify(record)).join(",")) : arrayElements(page.bytes);
    if (this.chunk.rows > 0) await this.write(Buffer.from(","));
    const start = this.bytes;
    await this.write(elements);
    this.chunk.spans.push({ page: index, start, end: this.bytes });
    this.chunk.rows += page.records.length;
  }

  async close(): Promise<void> {
    try {
      await this.write(Buffer.from("]"));
    } finally {
      await this.handle.close();
    }
  }

  private async write(buffer: Buffer): Promise<void> {
    await this.handle.write(buffer);
    this.bytes += buffer.byteLength;
  }
}

/** The bytes inside a JSON array's brackets (JSON.parse has read it: its first and last non-blank bytes are they). */
function arrayElements(array: Buffer): Buffer {
  const blank = (byte: number | undefined) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
  let start = 0;
  let end = array.byteLength;
  while (blank(array[start])) start++;
  while (blank(array[end - 1])) end--;
  return array.subarray(start + 1, end - 1);
}

/** Spools `pages`, then stages them in the warehouse or, failing that, through the loader page by page. */
export async function loadThroughSpool(
  warehouse: Warehouse,
  reader: FileReader,
  loader: ExtractLoader,
  pages: AsyncIterable<SpoolPage>,
  asset: string,
  onPage: (progress: SpoolProgress) => void,
  chunkRows = CHUNK_ROWS,
): Promise<void> {
  const run = randomUUID();
  const chunks: Chunk[] = [];
  const sizes: number[] = [];
  /** Each spooled page's rows in every table (its records', and their lists' elements). */
  const rows: number[] = [];
  const raw = stageTableFor(`${asset}__0raw`, loader.stagingScope);
  const newChunk = (offset: number): Promise<SpoolWriter> => {
    const chunk: Chunk = { file: path.join(reader.spoolDir, `${run}-${chunks.length}.json`), table: stageTableFor(`${asset}__0raw${chunks.length}`, loader.stagingScope), offset, rows: 0, spans: [] };
    chunks.push(chunk);
    return SpoolWriter.open(chunk);
  };
  let writer: SpoolWriter | null = null;
  try {
    const progress: SpoolProgress = { pages: 0, rows: 0 };
    writer = await newChunk(0);
    for await (const page of pages) {
      const { records } = page;
      const blocker = writer === null ? null : page.pageOnly === true ? "a page's records cannot be spooled as they came (no body text, or numbers beyond a double or -0)" : loader.pageBlocker(records);
      if (writer !== null && blocker !== null) {
        loader.pagesBecause(blocker);
        await writer.close();
        writer = null;
        await dropChunks(warehouse, reader, chunks);
        for await (const back of readBack(chunks, sizes)) await loader.loadPage(back);
      }
      if (writer === null) {
        await loader.loadPage(records);
      } else {
        await writer.page(sizes.length, page);
        rows.push(loader.pageRows(records));
        if (writer.chunk.rows > 0 && (chunks.length === 1 || writer.chunk.rows >= chunkRows)) {
          await writer.close();
          startLoad(reader, writer.chunk);
          // The first chunk is staged before the run goes on (see the header).
          if (chunks.length === 1) await writer.chunk.loaded?.catch(() => undefined);
          writer = await newChunk(progress.rows + records.length);
        }
      }
      sizes.push(records.length);
      progress.pages++;
      progress.rows += records.length;
      onPage(progress);
    }
    // Handed over to the page path: it has loaded every page.
    if (writer === null) return;
    const last = writer;
    writer = null;
    await last.close();
    if (last.chunk.rows > 0) startLoad(reader, last.chunk);
    const loaded = chunks.filter((c) => c.rows > 0);
    if (await stagedInWarehouse(warehouse, reader, loader, raw, loaded, writeBatchOf(sizes, rows))) return;
    for await (const back of readBack(loaded, sizes)) await loader.loadPage(back);
  } finally {
    // A run that failed while spooling still closes its file.
    await writer?.close().catch(() => undefined);
    await dropChunks(warehouse, reader, chunks);
    await Promise.all(chunks.map((c) => fs.promises.rm(c.file, { force: true })));
  }
}

/** Drops the chunks' tables once their loads have settled (a load still running would make one again). */
async function dropChunks(warehouse: Warehouse, reader: FileReader, chunks: readonly Chunk[]): Promise<void> {
  await Promise.allSettled(chunks.map((chunk) => chunk.loaded));
  for (const chunk of chunks) await releaseRaw(warehouse, reader, chunk.table);
}

function startLoad(reader: FileReader, chunk: Chunk): void {
  chunk.loaded = reader.load(chunk.table, chunk.file, "json", { persistent: true });
  // Awaited later; until then a failure must not count as unhandled.
  chunk.loaded.catch(() => undefined);
}

async function stagedInWarehouse(warehouse: Warehouse, reader: FileReader, loader: ExtractLoader, raw: string, chunks: readonly Chunk[], batchOf: (position: number) => number): Promise<boolean> {
  try {
    let combined: RawTable | null;
    try {
      const tables = await Promise.all(chunks.map((chunk) => chunk.loaded ?? Promise.reject(new Error("a chunk was not loaded"))));
      combined = await combine(reader, raw, chunks, tables);
    } catch (error) {
      // Records DuckDB's reader refuses (not objects, a key twice, a lone surrogate) are the page path's.
      if (isUnreadableJson(error)) {
        loader.pagesBecause(unreadableJsonReason(error));
        return false;
      }
      throw error;
    }
    const records = { records: (positions: readonly number[]) => recordsAt(reader, chunks, positions) };
    return combined !== null && (await loader.loadRaw(reader, combined, batchOf, records, { childTables: true })) === null;
  } finally {
    await releaseRaw(warehouse, reader, raw);
  }
}

/**
 * One raw table over the chunks: the only one; a query over all when the reader typed every
 * chunk alike; else the chunks' files read again as one (their fields and types merged).
 * Null: no chunk (no record).
 */
async function combine(reader: FileReader, raw: string, chunks: readonly Chunk[], tables: readonly RawTable[]): Promise<RawTable | null> {
  const [first] = tables;
  if (first === undefined) return null;
  if (tables.length === 1) return first;
  const shape = JSON.stringify(first.columns);
  // A field of the position's own name would stand in for it: read the files again instead.
  const clash = first.columns.some((column) => column.name.toLowerCase() === POSITION);
  if (!clash && tables.every((table) => JSON.stringify(table.columns) === shape)) {
    const selects = tables.map((table, index) => `SELECT *, ${table.position} + ${chunks[index]?.offset ?? 0} AS ${quoteIdent(POSITION)} FROM ${table.sql}`);
    return { sql: `(${selects.join(" UNION ALL ")})`, position: quoteIdent(POSITION), rows: tables.reduce((sum, table) => sum + table.rows, 0), columns: first.columns, temporary: true };
  }
  return reader.load(raw, chunks.map((chunk) => chunk.file), "json");
}

/** The JSON text of records by their position in the whole spool. */
async function recordsAt(reader: FileReader, chunks: readonly Chunk[], positions: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const chunk of chunks) {
    const local = positions.filter((p) => p >= chunk.offset && p < chunk.offset + chunk.rows).map((p) => p - chunk.offset);
    if (local.length === 0) continue;
    for (const [position, text] of await reader.records(chunk.file, "json", local)) found.set(position + chunk.offset, text);
  }
  return found;
}

/** The spooled records in the pages they came in (`sizes`: every page's count, empty ones included). */
async function* readBack(chunks: readonly Chunk[], sizes: readonly number[]): AsyncGenerator<unknown[]> {
  const spans = new Map(chunks.flatMap((chunk) => chunk.spans.map((span) => [span.page, { file: chunk.file, ...span }] as const)));
  for (const [index, size] of sizes.entries()) {
    const span = spans.get(index);
    if (span === undefined) {
      if (size > 0) throw new Error(`the spool lost page ${index + 1}`);
      yield [];
      continue;
    }
    const handle = await fs.promises.open(span.file, "r");
    try {
      const buffer = Buffer.alloc(span.end - span.start);
      await handle.read(buffer, 0, buffer.byteLength, span.start);
      const records: unknown = JSON.parse(`[${buffer.toString("utf8")}]`);
      if (!Array.isArray(records) || records.length !== size) throw new Error(`the spool's page ${index + 1} does not read back`);
      yield records;
    } finally {
      await handle.close();
    }
  }
}
