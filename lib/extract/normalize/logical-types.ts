// Schema inference from JSON values and the promotion lattice between logical types.
import type { LogicalType } from "../../warehouse/types";

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The text that inferType may read as a date or a timestamp (the SQL path looks for it too, their union in one expression: lib/extract/load/raw-relation.ts). */
export const TEMPORAL_TEXT_PATTERNS: readonly string[] = [ISO_DATE.source, ISO_DATE_TIME.source];
const INT64_LIMIT = 2 ** 63;

/** The narrowest logical type that holds `value`; null when the value says nothing (null). */
export function inferType(value: unknown): LogicalType | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "boolean") return "BOOLEAN";
  if (typeof value === "bigint") return "BIGINT";
  if (typeof value === "number") {
    return Number.isInteger(value) && Math.abs(value) < INT64_LIMIT ? "BIGINT" : "DOUBLE";
  }
  if (typeof value === "string") return inferStringType(value);
  if (value instanceof Date) return "TIMESTAMP";
  return "JSON";
}

function inferStringType(text: string): LogicalType {
  // The regexes accept 2024-13-45; Date.parse does not.
  if (ISO_DATE.test(text) && !Number.isNaN(Date.parse(text))) return "DATE";
  if (ISO_DATE_TIME.test(text) && !Number.isNaN(Date.parse(text.replace(" ", "T")))) return "TIMESTAMP";
  return "VARCHAR";
}

/** Types whose values arrive as JSON strings; anything mixed with them becomes VARCHAR. */
function isTextual(type: LogicalType): boolean {
  return type === "VARCHAR" || type === "TIMESTAMP" || type === "DATE";
}

/**
 * The least type holding values of both: BIGINT+DOUBLE -> DOUBLE, DATE+TIMESTAMP ->
 * TIMESTAMP, anything with VARCHAR -> VARCHAR, a string-like with a number or boolean ->
 * VARCHAR, a structured value (JSON) with a number or boolean -> JSON, BOOLEAN+number -> JSON.
 */
export function widenType(a: LogicalType, b: LogicalType): LogicalType {
  if (a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has("BIGINT") && pair.has("DOUBLE")) return "DOUBLE";
  if (pair.has("DATE") && pair.has("TIMESTAMP")) return "TIMESTAMP";
  if (pair.has("VARCHAR")) return "VARCHAR";
  if (pair.has("JSON")) return "JSON";
  if (isTextual(a) || isTextual(b)) return "VARCHAR";
  return "JSON";
}

/** Whether a column of `type` holds `value` without changing its type. */
export function fitsType(value: unknown, type: LogicalType): boolean {
  const valueType = inferType(value);
  return valueType === null || widenType(type, valueType) === type;
}

/** Reads a backend type name (from `describe`) as the logical type it behaves like. */
export function logicalTypeOfBackend(type: string): LogicalType {
  const upper = type.toUpperCase();
  if (/^(BIGINT|INTEGER|INT\d*|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(upper)) {
    return "BIGINT";
  }
  if (/^(DOUBLE|DOUBLE PRECISION|FLOAT\d*|REAL|DECIMAL.*|NUMERIC.*)$/.test(upper)) return "DOUBLE";
  if (upper === "BOOLEAN" || upper === "BOOL") return "BOOLEAN";
  if (upper.startsWith("TIMESTAMP")) return "TIMESTAMP";
  if (upper === "DATE") return "DATE";
  if (upper === "JSON" || upper === "JSONB") return "JSON";
  return "VARCHAR";
}

