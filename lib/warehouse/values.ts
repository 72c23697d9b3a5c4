// Backend-neutral value handling: what JS values `loadRows` accepts for each logical
// type, and the plain JS shape `query` hands back. Adapters share these so that every
// backend loads and returns the same values.
import { assertNever, WarehouseError } from "./errors";
import type { LogicalType } from "./types";

/** A value normalized for its logical type; `null` is SQL NULL. */
export type LoadValue = bigint | number | boolean | string | Date | null;

export class ValueCoercionError extends Error {
  constructor(column: string, type: LogicalType, value: unknown) {
    super(`column "${column}" (${type}) cannot hold ${describeValue(value)}`);
    this.name = "ValueCoercionError";
  }
}

/**
 * Normalizes one JS value for a column of `type`:
 * BIGINT -> bigint (integers only), DOUBLE -> number, BOOLEAN -> boolean,
 * VARCHAR -> string (objects as JSON text), TIMESTAMP -> Date (ISO strings without a
 * zone are read as UTC), DATE -> Date at UTC midnight, JSON -> JSON text of the value.
 */
export function coerceValue(value: unknown, type: LogicalType, column: string): LoadValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "BIGINT":
      if (typeof value === "bigint") return value;
      if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
      if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
      return failCoercion(column, type, value);
    case "DOUBLE":
      if (typeof value === "number") return value;
      if (typeof value === "bigint") return Number(value);
      if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
      return failCoercion(column, type, value);
    case "BOOLEAN":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      return failCoercion(column, type, value);
    case "VARCHAR":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") return String(value);
      if (value instanceof Date) return value.toISOString();
      return toJsonText(value);
    case "TIMESTAMP":
      return parseTimestamp(value) ?? failCoercion(column, type, value);
    case "DATE":
      return parseDate(value) ?? failCoercion(column, type, value);
    case "JSON":
      return toJsonText(value);
    default:
      return assertNever(type);
  }
}

// Not a closure per value: coerceValue runs once for every loaded cell.
function failCoercion(column: string, type: LogicalType, value: unknown): never {
  throw new ValueCoercionError(column, type, value);
}

/** JSON text of any value; bigints are written as numbers (exact digits). */
export function toJsonText(value: unknown): string {
  const placeholder = "\u0000bigint:";
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${placeholder}${v}` : v));
  // JSON.stringify(undefined) is undefined; store it as JSON null.
  if (text === undefined) return "null";
  return text.replace(new RegExp(`"\\\\u0000bigint:(-?\\d+)"`, "g"), "$1");
}

const ISO_WITHOUT_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function parseTimestamp(value: unknown): Date | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value;
  if (typeof value !== "string") return null;
  const text = value.trim();
  // Timestamps are UTC throughout Assetbook; Date.parse would read a zoneless one as local time.
  const normalized = ISO_WITHOUT_ZONE.test(text) ? `${text.replace(" ", "T")}Z` : text;
  const millis = Date.parse(normalized);
  return Number.isNaN(millis) ? null : new Date(millis);
}

const MILLIS_PER_DAY = 86_400_000;

function parseDate(value: unknown): Date | null {
  const timestamp = parseTimestamp(value);
  if (!timestamp) return null;
  return new Date(Math.floor(timestamp.getTime() / MILLIS_PER_DAY) * MILLIS_PER_DAY);
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (value instanceof Date) return "an invalid date";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `the ${typeof value} ${String(value)}`;
}

/**
 * The plain JS shape rows come back in: integers as numbers when they are within
 * Number.MAX_SAFE_INTEGER, else bigint; nested lists and structs likewise.
 * Dates, strings, booleans and byte arrays pass through.
 */
export function toPlainValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value;
  }
  if (Array.isArray(value)) return value.map(toPlainValue);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) out[key] = toPlainValue(inner);
    return out;
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** coerceValue for loading: a value that does not fit is the port's `conversion` error. */
export function coerceOrFail(value: unknown, spec: { name: string; type: LogicalType }): LoadValue {
  try {
    return coerceValue(value, spec.type, spec.name);
  } catch (error) {
    if (error instanceof ValueCoercionError) throw new WarehouseError({ kind: "conversion", backendMessage: error.message, cause: error });
    throw error;
  }
}
