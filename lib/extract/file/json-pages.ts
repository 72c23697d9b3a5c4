// JSON and NDJSON files. NDJSON is streamed line by line, so its size does not matter.
// A .json document has to be parsed whole (JSON.parse has no streaming mode): that is
// fine for the small reference files it is meant for; large data belongs in NDJSON or
// Parquet. Its records are still handed out page by page.
import fs from "node:fs";
import readline from "node:readline";
import { jsonErrorPosition, readPath } from "../http/json-body";
import { FileSourceError } from "./errors";
import { describeValue, pagesOf, type FileRecord, type PageOptions } from "./pages";
import { isRecord } from "../../guards";

const BOM = /^\uFEFF/;

/** `shown` is the path as the user should see it (relative to the data directory). */
export async function* readNdjsonPages(file: string, shown: string, options: PageOptions): AsyncGenerator<FileRecord[]> {
  const input = fs.createReadStream(file, { encoding: "utf8" });
  // readline's async iterator pauses the stream while we are busy, so memory stays bounded.
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let page: FileRecord[] = [];
  try {
    for await (const line of lines) {
      lineNumber++;
      const text = lineNumber === 1 ? line.replace(BOM, "") : line;
      if (text.trim() === "") continue;
      page.push(parseLine(text, shown, lineNumber));
      if (page.length >= options.pageSize) {
        options.signal?.throwIfAborted();
        yield page;
        page = [];
      }
    }
    options.signal?.throwIfAborted();
    if (page.length > 0) yield page;
  } finally {
    lines.close();
    input.destroy();
  }
}

function parseLine(text: string, shown: string, lineNumber: number): FileRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new FileSourceError("path", `"${shown}" line ${lineNumber}: malformed JSON (${detail})`, { cause: error });
  }
  if (!isRecord(value)) throw new FileSourceError("path", `"${shown}" line ${lineNumber}: ${describeValue(value)}, not a JSON object`);
  return value;
}

export async function* readJsonPages(
  file: string,
  shown: string,
  dataPath: string | undefined,
  options: PageOptions,
): AsyncGenerator<FileRecord[]> {
  const records = recordsIn(parseDocument(await fs.promises.readFile(file, "utf8"), shown), shown, dataPath);
  for (const [index, record] of records.entries()) {
    if (!isRecord(record)) {
      throw new FileSourceError("path", `"${shown}": record ${index + 1} is ${describeValue(record)}, not a JSON object`);
    }
  }
  yield* pagesOf([records.filter(isRecord)], options);
}

function parseDocument(raw: string, shown: string): unknown {
  const text = raw.replace(BOM, "");
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = jsonErrorPosition(text);
    const before = text.slice(0, position);
    const line = before.split("\n").length;
    const column = position - before.lastIndexOf("\n");
    throw new FileSourceError("path", `"${shown}": malformed JSON at line ${line}, column ${column}`, { cause: error });
  }
}

function recordsIn(document: unknown, shown: string, dataPath: string | undefined): unknown[] {
  if (dataPath === undefined) {
    if (Array.isArray(document)) return document;
    const keys = isRecord(document) ? ` (its keys: ${Object.keys(document).slice(0, 10).join(", ")})` : "";
    throw new FileSourceError(
      "data_path",
      `"${shown}" holds ${describeValue(document)}${keys}, not an array of records; set data_path to where the records are`,
    );
  }
  const lookup = readPath(document, dataPath);
  if (!lookup.found) throw new FileSourceError("data_path", `"${dataPath}" not found in "${shown}"`);
  if (!Array.isArray(lookup.value)) {
    throw new FileSourceError("data_path", `"${dataPath}" in "${shown}" is ${describeValue(lookup.value)}, not an array of records`);
  }
  return lookup.value;
}
