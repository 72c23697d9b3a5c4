// A REST source's records spooled as NDJSON in the warehouse reader's private directory as
// the pages arrive (memory holds one page), and loaded by DuckDB's JSON reader in chunks
// while later pages are fetched: the first page at once (a killed run leaves its staging
// tables for the next attempt to drop, as the page path does), then every CHUNK_ROWS records.
// The chunks are staged by SQL as one JSON file is (ExtractLoader.loadRaw). Where that
// cannot give the page path's exact tables, the spool is read back in the pages it came in
// (the page path's batches, and so its types, depend on them): the source is fetched once.
// A page with a record the page path fails on (no primary key) hands the run over to it at
// once, the spooled pages first, so that it fails where and as the page path does.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type { FileReader, RawTable, Warehouse } from "../warehouse/types";
import { quoteIdent } from "../warehouse/types";
import { isUnreadableJson, releaseRaw } from "./file/warehouse-read";
import { writeBatchOf, type ExtractLoader } from "./load";
import { stageTableFor } from "./load/staging";

/** Records per chunk after the first page: DuckDB reads one while the next is fetched. */
const CHUNK_ROWS = 100_000;
const POSITION = "__assetbook_position";

export interface SpoolProgress {
  pages: number;
  rows: number;
}

interface Chunk {
  file: string;
  table: string;
  /** Position of its first record. */
  offset: number;
  rows: number;
  loaded?: Promise<RawTable>;
}

/** Spools `pages`, then stages them in the warehouse or, failing that, through the loader page by page. */
export async function loadThroughSpool(
  warehouse: Warehouse,
  reader: FileReader,
  loader: ExtractLoader,
  pages: AsyncIterable<readonly unknown[]>,
  asset: string,
  onPage: (progress: SpoolProgress) => void,
  chunkRows = CHUNK_ROWS,
): Promise<void> {
  const run = randomUUID();
  const chunks: Chunk[] = [];
  const sizes: number[] = [];
  const raw = stageTableFor(`${asset}__0raw`, loader.stagingScope);
  const newChunk = (offset: number): Chunk => {
    const chunk = { file: path.join(reader.spoolDir, `${run}-${chunks.length}.ndjson`), table: stageTableFor(`${asset}__0raw${chunks.length}`, loader.stagingScope), offset, rows: 0 };
    chunks.push(chunk);
    return chunk;
  };
  try {
    const progress: SpoolProgress = { pages: 0, rows: 0 };
    let chunk = newChunk(0);
    let handle = await fs.promises.open(chunk.file, "wx");
    let handedOver = false;
    try {
      for await (const records of pages) {
        if (!handedOver && !loader.hasPrimaryKeys(records)) {
          handedOver = true;
          await handle.close();
          await Promise.allSettled(chunks.map((c) => c.loaded));
          for (const c of chunks) await releaseRaw(warehouse, reader, c.table);
          for await (const page of readBack(chunks.filter((c) => c.rows > 0).map((c) => c.file), sizes)) await loader.loadPage(page);
        }
        if (handedOver) {
          await loader.loadPage(records);
          progress.pages++;
          progress.rows += records.length;
          onPage(progress);
          continue;
        }
        // One write per page: JSON.stringify of a parsed value reads back as the same value.
        if (records.length > 0) await handle.write(`${records.map((record) => JSON.stringify(record)).join("\n")}\n`);
        chunk.rows += records.length;
        sizes.push(records.length);
        progress.pages++;
        progress.rows += records.length;
        if (chunk.rows > 0 && (chunks.length === 1 || chunk.rows >= chunkRows)) {
          await handle.close();
          startLoad(reader, chunk);
          // The first chunk is staged before the run goes on (see the header).
          if (chunks.length === 1) await chunk.loaded?.catch(() => undefined);
          chunk = newChunk(progress.rows);
          handle = await fs.promises.open(chunk.file, "wx");
        }
        onPage(progress);
      }
    } finally {
      if (!handedOver) await handle.close();
    }
    if (handedOver) return;
    if (chunk.rows > 0) startLoad(reader, chunk);
    const loaded = chunks.filter((c) => c.rows > 0);
    if (await stagedInWarehouse(warehouse, reader, loader, raw, loaded, sizes)) return;
    for await (const page of readBack(loaded.map((c) => c.file), sizes)) await loader.loadPage(page);
  } finally {
    await Promise.allSettled(chunks.map((c) => c.loaded));
    for (const c of chunks) await releaseRaw(warehouse, reader, c.table);
    await Promise.all(chunks.map((c) => fs.promises.rm(c.file, { force: true })));
  }
}

function startLoad(reader: FileReader, chunk: Chunk): void {
  chunk.loaded = reader.load(chunk.table, chunk.file, "ndjson", { persistent: true });
  // Awaited later; until then a failure must not count as unhandled.
  chunk.loaded.catch(() => undefined);
}

async function stagedInWarehouse(warehouse: Warehouse, reader: FileReader, loader: ExtractLoader, raw: string, chunks: readonly Chunk[], sizes: readonly number[]): Promise<boolean> {
  try {
    let combined: RawTable | null;
    try {
      const tables = await Promise.all(chunks.map((chunk) => chunk.loaded ?? Promise.reject(new Error("a chunk was not loaded"))));
      combined = await combine(reader, raw, chunks, tables);
    } catch (error) {
      // Records DuckDB's reader refuses (not objects, a key twice, a lone surrogate) are the page path's.
      if (isUnreadableJson(error)) return false;
      throw error;
    }
    const records = { records: (positions: readonly number[]) => recordsAt(reader, chunks, positions) };
    return combined !== null && (await loader.loadRaw(reader, combined, writeBatchOf(sizes), records)) === null;
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
  if (tables.every((table) => JSON.stringify(table.columns) === shape)) {
    const selects = tables.map((table, index) => `SELECT *, ${table.position} + ${chunks[index]?.offset ?? 0} AS ${quoteIdent(POSITION)} FROM ${table.sql}`);
    return { sql: `(${selects.join(" UNION ALL ")})`, position: quoteIdent(POSITION), rows: tables.reduce((sum, table) => sum + table.rows, 0), columns: first.columns, temporary: true };
  }
  return reader.load(raw, chunks.map((chunk) => chunk.file), "ndjson");
}

/** The JSON text of records by their position in the whole spool. */
async function recordsAt(reader: FileReader, chunks: readonly Chunk[], positions: readonly number[]): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const chunk of chunks) {
    const local = positions.filter((p) => p >= chunk.offset && p < chunk.offset + chunk.rows).map((p) => p - chunk.offset);
    if (local.length === 0) continue;
    for (const [position, text] of await reader.records(chunk.file, "ndjson", local)) found.set(position + chunk.offset, text);
  }
  return found;
}

/** The spooled records in the pages they came in (`sizes`), empty pages included. */
async function* readBack(files: readonly string[], sizes: readonly number[]): AsyncGenerator<unknown[]> {
  const lines = spooledLines(files);
  try {
    for (const size of sizes) {
      const page: unknown[] = [];
      while (page.length < size) {
        const line = await lines.next();
        if (line.done === true) throw new Error("the spool ended before its last page");
        page.push(JSON.parse(line.value));
      }
      yield page;
    }
  } finally {
    await lines.return(undefined);
  }
}

async function* spooledLines(files: readonly string[]): AsyncGenerator<string, void, undefined> {
  for (const file of files) {
    const input = fs.createReadStream(file, { encoding: "utf8" });
    const lines = readline.createInterface({ input, crlfDelay: Infinity });
    try {
      for await (const line of lines) if (line !== "") yield line;
    } finally {
      lines.close();
      input.destroy();
    }
  }
}
