// A REST spool's chunks, read by the warehouse one after another while later pages are
// fetched (rest-spool.ts): each chunk's files are profiled where they lie, as the part of the
// raw relation they are, and the values kept for the whole's plan (raw-aggregate.ts). No
// table is written for a chunk (writing one cost as much as the staged table, and the memory
// DuckDB kept grew with the run); the staged table is written once, from the files, when
// every page is in.
import type { FileReader, RawTable, Warehouse } from "../warehouse/types";
import { releaseRaw, type ExtractLoader } from "./load";
import { stageTableFor } from "./load/staging";

/** Spooled pages read by the warehouse as one part of the raw relation (their files read as one, in order). */
export interface Chunk {
  /** The first chunk's table (see loadFirst). */
  table: string;
  /** Position of its first record. */
  offset: number;
  rows: number;
  /** Its pages' files, in order (a page without records has none). */
  files: string[];
  /** The first chunk, loaded into its (persistent) table at once, and kept until the run ends. */
  loaded?: Promise<RawTable>;
  /** Its files as a relation, once the chunk is profiled (null: not read ahead, or a field's name clashes with the position's). */
  part?: Promise<RawTable | null>;
}

export class SpoolChunks {
  constructor(
    private readonly warehouse: Warehouse,
    private readonly reader: FileReader,
    private readonly loader: ExtractLoader,
    private readonly asset: string,
    /** The chunks, in order (the spool reads their records back by position). */
    readonly chunks: Chunk[],
  ) {}

  /** A new chunk, its first record at `offset`. */
  add(offset: number): Chunk {
    const chunk: Chunk = { table: stageTableFor(`${this.asset}__0raw${this.chunks.length}`, this.loader.stagingScope), offset, rows: 0, files: [] };
    this.chunks.push(chunk);
    return chunk;
  }

  /** Loads the first chunk into its table now (a killed run leaves it for the next attempt to drop, as the page path does). */
  async loadFirst(chunk: Chunk): Promise<void> {
    chunk.loaded = this.reader.load(chunk.table, chunk.files, "json", { persistent: true });
    await chunk.loaded.catch(() => undefined);
  }

  /**
   * Profiles `chunk` (complete now) once the chunk before it is done: one at a time, on one
   * thread (its positions are counted in order), beside the thread that fetches the pages.
   */
  read(chunk: Chunk): void {
    const before = this.chunks[this.chunks.indexOf(chunk) - 1]?.part?.catch(() => undefined);
    chunk.part = (before ?? Promise.resolve()).then(() => this.readChunk(chunk));
    // Awaited later; until then a failure must not count as unhandled.
    chunk.part.catch(() => undefined);
  }

  private async readChunk(chunk: Chunk): Promise<RawTable | null> {
    // Rows the staging will not take (ExtractLoader.rawBlocker) are not read ahead.
    if (this.loader.rawBlocker() !== null) return null;
    const part = await this.reader.relation(chunk.files, "json", { rows: chunk.rows, offset: chunk.offset });
    if (part !== null) await this.loader.profileAhead(this.reader, part);
    return part;
  }

  /**
   * The spool as one raw relation, once every chunk is read: the first chunk's table where it is
   * the only one; else the files read where the relation is used (no table written), in parts
   * (the chunks, profiled as they were read) when the reader typed every chunk alike; else the
   * files loaded into `raw`, where a field's name clashes with the position's. Null: no record.
   */
  async whole(raw: string): Promise<RawTable | null> {
    const chunks = this.chunks.filter((chunk) => chunk.rows > 0);
    const [first] = chunks;
    if (first === undefined) return null;
    if (chunks.length === 1) return first.loaded ?? Promise.reject(new Error("the first chunk was not loaded"));
    const parts = await Promise.all(chunks.map((chunk) => chunk.part ?? Promise.reject(new Error("a chunk was not read"))));
    const files = chunks.flatMap((chunk) => chunk.files);
    const rows = chunks.reduce((sum, chunk) => sum + chunk.rows, 0);
    const columns = parts[0]?.columns;
    const shape = JSON.stringify(columns);
    const alike = parts.flatMap((part) => (part !== null && JSON.stringify(part.columns) === shape ? [part] : []));
    if (columns !== undefined && alike.length === parts.length) {
      // Typed alike part by part, so alike as a whole: the whole reads with the parts' columns.
      const whole = await this.reader.relation(files, "json", { rows, columns });
      if (whole !== null) return { ...whole, parts: alike };
    }
    return (await this.reader.relation(files, "json", { rows })) ?? (await this.reader.load(raw, files, "json"));
  }

  /** Drops what the chunks left once every read has settled (one still running would make its table again). */
  async release(): Promise<void> {
    await Promise.allSettled(this.chunks.flatMap((chunk) => [chunk.loaded, chunk.part]));
    for (const chunk of this.chunks) if (chunk.loaded !== undefined) await releaseRaw(this.warehouse, this.reader, chunk.table);
  }
}
