// DuckDB values -> the plain JSON-like values the extract loader infers types from.
// Timestamps and dates become ISO-8601 strings (the loader infers TIMESTAMP / DATE from
// them, and strings keep DuckDB's microsecond/nanosecond precision that a JS Date would
// lose); integers become numbers when they fit exactly.
import { DuckDBTypeId, JSDuckDBValueConverter, type DuckDBValueConverter, type JS } from "@duckdb/node-api";

/** Types whose DuckDB text form is the most useful plain value. */
const AS_TEXT: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.DATE,
  DuckDBTypeId.TIME,
  DuckDBTypeId.TIME_NS,
  DuckDBTypeId.TIME_TZ,
  DuckDBTypeId.INTERVAL,
  DuckDBTypeId.UUID,
  DuckDBTypeId.BLOB,
  DuckDBTypeId.BIT,
]);

const TIMESTAMPS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A converter for DuckDBResult.yieldConvertedRowObjects; recurses into lists and structs through itself. */
export const plainValueConverter: DuckDBValueConverter<JS> = (value, type, self) => {
  if (value === null) return null;
  if (AS_TEXT.has(type.typeId)) return String(value);
  if (TIMESTAMPS.has(type.typeId)) return isoTimestamp(String(value));
  const js = JSDuckDBValueConverter(value, type, self);
  if (typeof js === "bigint") return plainInteger(js);
  return js;
};

/** Exact as a number when safe; a bigint (the loader's BIGINT) up to int64; text beyond. */
export function plainInteger(value: bigint): number | bigint | string {
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  if (value >= INT64_MIN && value <= INT64_MAX) return value;
  return value.toString();
}

const DUCKDB_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:([+-]\d{2})(?::?(\d{2}))?)?$/;

/** `2024-01-02 03:04:05.5+00` -> `2024-01-02T03:04:05.5Z`; infinity, BC and 5-digit years stay as DuckDB writes them. */
export function isoTimestamp(text: string): string {
  const match = DUCKDB_TIMESTAMP.exec(text);
  if (match === null) return text;
  const [, date, time, offsetHours, offsetMinutes] = match;
  if (offsetHours === undefined) return `${date}T${time}`;
  const minutes = offsetMinutes ?? "00";
  const utc = (offsetHours === "+00" || offsetHours === "-00") && minutes === "00";
  return `${date}T${time}${utc ? "Z" : `${offsetHours}:${minutes}`}`;
}
