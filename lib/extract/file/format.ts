// Which reader a file gets: the cell's `format`, else the file extension.
import path from "node:path";
import { FileSourceError } from "./errors";

export type FileFormat = "csv" | "json" | "ndjson" | "parquet";

const BY_EXTENSION: ReadonlyMap<string, FileFormat> = new Map([
  [".csv", "csv"],
  [".tsv", "csv"], // DuckDB's CSV sniffer detects the tab delimiter
  [".json", "json"],
  [".ndjson", "ndjson"],
  [".jsonl", "ndjson"],
  [".parquet", "parquet"],
]);

export function fileFormatFor(userPath: string, format: FileFormat | undefined): FileFormat {
  if (format !== undefined) return format;
  const extension = path.extname(userPath).toLowerCase();
  const known = BY_EXTENSION.get(extension);
  if (known !== undefined) return known;
  const supported = [...BY_EXTENSION.keys()].join(", ");
  const what = extension === "" ? `"${userPath}" has no extension` : `unknown file extension "${extension}"`;
  throw new FileSourceError("format", `${what}; supported: ${supported}, or set format: csv|json|ndjson|parquet`);
}
