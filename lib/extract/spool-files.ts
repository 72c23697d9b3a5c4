// A REST spool's files: pages of records written one after another into files of about
// FILE_BYTES each, every file one JSON array (its pages' records joined, in order). DuckDB's
// JSON reader pays for each file it opens: 1M records in 10,000 files of 100 (the page size
// of many APIs) read 3-4x slower than in 1,000 files of 1,000, and from 1,000 records a file
// up to 2,000 the time is the same; past that a file's one thread starts to show.
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";

/** A file is closed once it holds this many bytes (pages of 1,000 small records: two a file). */
export const FILE_BYTES = 256 * 1024;

/** Writes up to this size go at once, larger ones through the thread pool (see add). */
const WRITE_AT_ONCE_BYTES = 1024 * 1024;

const OPEN = Buffer.from("[");
const JOIN = Buffer.from(",");
const CLOSE = Buffer.from("]");

/** A page as the spool takes it: its count, and the JSON text of the array of its records. */
export interface SpooledPage {
  count: number;
  /** The records' array as JSON (bytes as they came, or the records written again). */
  array: Buffer | string;
}

/** The records inside a JSON array's text: what lies between its brackets (whitespace and a BOM around it dropped). */
function arrayContents(array: Buffer | string): Buffer {
  const bytes = typeof array === "string" ? Buffer.from(array) : array;
  const start = bytes.indexOf(0x5b);
  const end = bytes.lastIndexOf(0x5d);
  if (start < 0 || end <= start) throw new Error("a spooled page is not a JSON array");
  return bytes.subarray(start + 1, end);
}

/** Writes every byte of `data` (a write may take fewer than it was given). */
function writeAll(fd: number, data: Buffer): void {
  for (let offset = 0; offset < data.length; ) offset += fs.writeSync(fd, data, offset);
}

const writeLater = promisify(fs.write);

/** writeAll through the thread pool. */
async function writeAllLater(fd: number, data: Buffer): Promise<void> {
  for (let offset = 0; offset < data.length; ) offset += (await writeLater(fd, data, offset, data.length - offset, null)).bytesWritten;
}

interface ReadBackFile {
  file: string;
  records: unknown[];
  /** How many of its records its pages have taken. */
  taken: number;
}

/** A spool file's records (null: it is not an array). */
async function readBackFile(file: string): Promise<ReadBackFile | null> {
  const records: unknown = JSON.parse(await fs.promises.readFile(file, "utf8"));
  return Array.isArray(records) ? { file, records, taken: 0 } : null;
}

export class SpoolFiles {
  /** Each page spooled, in order: the file its records went to (none for a page without records), and its count. */
  private readonly pages: { file: string | undefined; count: number }[] = [];
  /** The file being written: its descriptor (opened and closed at once, as small writes are: see add). */
  private current: { file: string; fd: number; bytes: number } | null = null;
  private made = 0;

  constructor(
    private readonly dir: string,
    private readonly fileBytes = FILE_BYTES,
  ) {}

  /**
   * Appends a page's records to the open file (opening one for a page with records); returns
   * the file when this page filled it (closed now), else undefined. A page of the usual size
   * is written at once, and files opened and closed so: into the page cache, the thread pool's
   * round trips cost twice the CPU of the work itself (opening files through it took 0.3 s of
   * the main thread at 1M records). A large page (up to a response's cap) does not hold the thread.
   */
  async add(page: SpooledPage): Promise<string | undefined> {
    if (page.count === 0) {
      this.pages.push({ file: undefined, count: 0 });
      return undefined;
    }
    const contents = arrayContents(page.array);
    let current = this.current;
    if (current === null) {
      const file = path.join(this.dir, `${this.made++}.json`);
      current = this.current = { file, fd: fs.openSync(file, "wx"), bytes: 0 };
    }
    writeAll(current.fd, current.bytes === 0 ? OPEN : JOIN);
    if (contents.length <= WRITE_AT_ONCE_BYTES) writeAll(current.fd, contents);
    else await writeAllLater(current.fd, contents);
    current.bytes += contents.length + 1;
    this.pages.push({ file: current.file, count: page.count });
    return current.bytes >= this.fileBytes ? this.finish() : undefined;
  }

  /** Closes the open file, if any, and returns it: the files handed out hold whole arrays. */
  finish(): string | undefined {
    const current = this.current;
    if (current === null) return undefined;
    this.current = null;
    try {
      writeAll(current.fd, CLOSE);
    } finally {
      fs.closeSync(current.fd);
    }
    return current.file;
  }

  /** The spooled records in the pages they came in (empty ones included), every file closed first. */
  async *readBack(): AsyncGenerator<unknown[]> {
    this.finish();
    /** The file being read back. */
    let open: ReadBackFile | null = null;
    const lost = (at: number) => new Error(`the spool's pages do not read back (page ${at})`);
    for (const [index, { file, count }] of this.pages.entries()) {
      if (file === undefined) {
        if (count > 0) throw new Error(`the spool lost page ${index + 1}`);
        yield [];
        continue;
      }
      if (open === null || open.file !== file) {
        if (open !== null && open.taken !== open.records.length) throw lost(index);
        open = await readBackFile(file);
        if (open === null) throw lost(index + 1);
      }
      const { records, taken } = open;
      if (taken + count > records.length) throw lost(index + 1);
      yield records.slice(taken, taken + count);
      open.taken = taken + count;
    }
    const last: ReadBackFile | null = open;
    if (last !== null && last.taken !== last.records.length) throw lost(this.pages.length);
  }

  /** Closes the open file, if any (the directory is the caller's to remove). */
  close(): void {
    const current = this.current;
    this.current = null;
    if (current !== null) fs.closeSync(current.fd);
  }
}
