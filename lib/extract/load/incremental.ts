// Incremental extracts: the cursor (the largest value of a field over loaded records) is
// stored in the warehouse by the same swap that stores the data it belongs to.
import type { Warehouse } from "../../warehouse/types";
import { inferType } from "../normalize/logical-types";

export type CursorValue = string | number;
export type CursorFormat = "iso" | "epoch";

/** A partitioned extract keeps one cursor per partition. */
export function cursorStateKey(asset: string, partition?: string): string {
  return `extract:${asset}:cursor${partition === undefined ? "" : `:${partition}`}`;
}

export function isCursorValue(value: unknown): value is CursorValue {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** The cursor stored by the last successful run of `asset` (at `partition`), if any. */
export async function readCursor(warehouse: Warehouse, asset: string, partition?: string): Promise<CursorValue | undefined> {
  const stored = await warehouse.readState(cursorStateKey(asset, partition));
  return isCursorValue(stored) ? stored : undefined;
}

/** The value at a dotted path (`meta.updated_at`) of a source record. */
export function cursorValueAt(record: unknown, path: string): CursorValue | undefined {
  let current: unknown = record;
  for (const key of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = Object.entries(current).find(([name]) => name === key)?.[1];
  }
  return isCursorValue(current) ? current : undefined;
}

function isDateText(value: CursorValue): value is string {
  if (typeof value !== "string") return false;
  const type = inferType(value);
  return type === "TIMESTAMP" || type === "DATE";
}

function dateMillis(text: string): number {
  // Zoneless timestamps are UTC throughout Assetbook.
  const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text);
  return Date.parse(zoneless ? `${text.replace(" ", "T")}Z` : text);
}

function numeric(value: CursorValue): number | undefined {
  if (typeof value === "number") return value;
  return value.trim() !== "" && Number.isFinite(Number(value)) ? Number(value) : undefined;
}

/** Orders cursor values: ISO dates as instants, numbers (and numeric text) as numbers, else as text. */
export function compareCursors(a: CursorValue, b: CursorValue): number {
  if (isDateText(a) && isDateText(b)) return dateMillis(a) - dateMillis(b);
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x - y;
  const left = String(a);
  const right = String(b);
  return left < right ? -1 : left > right ? 1 : 0;
}

export function laterCursor(a: CursorValue | undefined, b: CursorValue | undefined): CursorValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareCursors(b, a) > 0 ? b : a;
}

export interface StartingCursorOptions {
  initial?: CursorValue;
  /** Seconds to step back from the stored cursor, to re-read late-arriving records. */
  lag?: number;
  /** How the value is sent as a query parameter; defaults to the stored value's own kind. */
  format?: CursorFormat;
}

export class CursorFormatError extends Error {
  constructor(value: CursorValue, reason: string) {
    super(`incremental cursor value ${JSON.stringify(value)} ${reason}`);
    this.name = "CursorFormatError";
  }
}

/**
 * The value the next request starts from: the stored cursor (or `initial`) minus `lag`
 * seconds, as ISO-8601 text or epoch seconds.
 */
export function startingCursor(stored: CursorValue | undefined, options: StartingCursorOptions = {}): CursorValue | undefined {
  const value = stored ?? options.initial;
  if (value === undefined) return undefined;
  const lag = options.lag ?? 0;
  const format = options.format ?? (typeof value === "number" ? "epoch" : "iso");
  if (typeof value === "string" && !isDateText(value)) {
    if (lag === 0 && format === "iso") return value;
    throw new CursorFormatError(value, "is neither a date nor a number, so lag and format epoch cannot apply");
  }
  const millis = (typeof value === "number" ? value * 1000 : dateMillis(value)) - lag * 1000;
  if (format === "epoch") return typeof value === "number" && lag === 0 ? value : Math.floor(millis / 1000);
  return formatIso(millis, typeof value === "string" ? value : undefined);
}

/** ISO text in the style of the stored value: no milliseconds or time when it had none. */
function formatIso(millis: number, like: string | undefined): string {
  const iso = new Date(millis).toISOString();
  if (like !== undefined && inferType(like) === "DATE" && iso.endsWith("T00:00:00.000Z")) return iso.slice(0, 10);
  if (like !== undefined && !/\.\d+/.test(like)) return iso.replace(/\.\d{3}Z$/, "Z");
  return iso;
}
