// How a cell value reads in the preview table.
import { columnKind } from "./column-kind";

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** A Date as the warehouse meant it (UTC): `2024-01-31` for DATE, `2024-01-31 08:05:00` otherwise. */
export function formatDate(date: Date, type: string): string {
  if (Number.isNaN(date.getTime())) return "Invalid date";
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  if (type.trim().toUpperCase() === "DATE") return day;
  const ms = date.getUTCMilliseconds();
  const time = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  return `${day} ${time}${ms ? `.${pad(ms, 3)}` : ""}`;
}

function json(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v)) ?? String(value);
}

/**
 * A number without binary floating-point noise: 6449.8099999999995 reads 6449.81. Twelve
 * significant digits keep every value a person would type and drop the artefacts.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value) || Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}

/** Text for one cell; `null` means SQL NULL (shown distinctly). */
export function formatCell(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return formatDate(value, type);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (columnKind(type) === "temporal" && Number.isFinite(value)) return formatDate(new Date(value), type);
      return formatNumber(value);
    case "bigint":
    case "boolean":
      return String(value);
    case "object":
      return json(value);
    case "symbol":
    case "function":
    case "undefined":
      break;
  }
  return String(value);
}

/** A bin edge for a header tooltip: numbers compact, temporal edges (epoch seconds) as dates. */
export function formatEdge(value: number, temporal: boolean): string {
  if (temporal) return formatDate(new Date(value * 1000), "TIMESTAMP").replace(/ 00:00:00$/, "");
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
