// `_row_key`: a row without a primary key is keyed by its content, so a merge of the same
// record twice keeps one row. Two versions, fixed per asset (the loader stores which):
//   1: cyrb128 of canonicalJson (the first one; assets keyed so keep it).
//   2: md5 of `keyText`, a canonical text SQL can write too, so a file or a spooled page is
//      keyed in the warehouse (raw-table.ts) exactly as here, with no row in JavaScript.
import { createHash } from "node:crypto";
import { canonicalJson, stableHash } from "./hash";
import { isJsonObject } from "./json-value";

export type RowKeyVersion = 1 | 2;

/** The version a new asset gets. */
export const CURRENT_ROW_KEY_VERSION: RowKeyVersion = 2;

/** A root row's key: a hash of its whole source record. */
export function rowKey(version: RowKeyVersion, record: unknown): string {
  switch (version) {
    case 1:
      return stableHash(canonicalJson(record));
    case 2:
      return md5(keyText(record) ?? "{}");
    default:
      return unknownVersion(version);
  }
}

/** A child row's key: its place under its parent (a re-run gives the same keys). */
export function childRowKey(version: RowKeyVersion, parentKey: string, table: string, index: number): string {
  switch (version) {
    case 1:
      return stableHash(canonicalJson([parentKey, table, index]));
    case 2:
      return md5(`[${keyString(parentKey)},${keyString(table)},${index}]`);
    default:
      return unknownVersion(version);
  }
}

/**
 * Version 2's canonical text: JSON with object keys sorted (UTF-16 order), a number as
 * String() writes it (NaN and Infinity included), a bigint's digits, a Date as its ISO text,
 * and null members left out, with objects left empty by that: a field that is null and one
 * that is missing key alike, which SQL (a NULL either way) cannot tell apart, and a column
 * added later leaves earlier rows' keys as they were. Inside a list, such a value is `null`
 * (its place counts). Undefined: nothing to write.
 */
export function keyText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case "string":
      return keyString(value);
    case "number":
      return String(value);
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    default:
      return undefined;
  }
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : keyString(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((item: unknown) => keyText(item) ?? "null").join(",")}]`;
  if (!isJsonObject(value)) return undefined;
  const members: string[] = [];
  for (const key of Object.keys(value).sort(byCodeUnits)) {
    const text = keyText(value[key]);
    if (text !== undefined) members.push(`${keyString(key)}:${text}`);
  }
  return members.length === 0 ? undefined : `{${members.join(",")}}`;
}

/** JavaScript's default sort order (UTF-16 code units), which SQL's keys are sorted by too. */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// What JSON.stringify writes as \uxxxx: control characters, lone surrogates (a pair is written as it is).
const ESCAPED = /[\u0000-\u001f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string as JSON, `\uXXXX` escapes in capitals (as DuckDB's to_json writes them). */
export function keyString(text: string): string {
  const json = JSON.stringify(text);
  if (!ESCAPED.test(text)) return json;
  // An escaped backslash is matched whole, so the `\u` of `\\u0041` (text) is left alone.
  return json.replace(/\\(\\|u[0-9a-f]{4})/g, (match, escape: string) => (escape === "\\" ? match : `\\u${escape.slice(1).toUpperCase()}`));
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

function unknownVersion(version: never): never {
  throw new Error(`unknown row key version ${String(version)}`);
}
