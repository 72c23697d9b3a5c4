// The table an ML cell reads: named columns of warehouse values, all the same length.
// Columns, not rows, so the caller can hand over what a warehouse query returns column by
// column (typed arrays such as Float64Array work as well as plain arrays).
import { MlInputError } from "./errors";

export type MlValue = number | bigint | string | boolean | Date | null | undefined;
export type MlColumn = ArrayLike<MlValue>;
export type MlColumns = Readonly<Record<string, MlColumn>>;

/** The number of rows; every column must have it. */
export function rowCountOf(columns: MlColumns, field: string): number {
  let count: number | undefined;
  for (const [name, column] of Object.entries(columns)) {
    if (count === undefined) count = column.length;
    else if (column.length !== count) {
      throw new MlInputError(field, `column "${name}" has ${column.length} values, the others ${count}`);
    }
  }
  return count ?? 0;
}

/** The column, or an error that names it and lists the columns there are. */
export function requireColumn(columns: MlColumns, name: string, field: string): MlColumn {
  const column = Object.hasOwn(columns, name) ? columns[name] : undefined;
  if (column === undefined) {
    const available = Object.keys(columns).join(", ") || "none";
    throw new MlInputError(field, `no column "${name}" in the table (columns: ${available})`);
  }
  return column;
}

/** Null, undefined and NaN are missing. */
export function isMissing(value: MlValue): value is null | undefined {
  return value === null || value === undefined || (typeof value === "number" && Number.isNaN(value));
}

/** A number for numeric-like values (dates as epoch seconds); null for strings and missing values. */
export function numericValue(value: MlValue): number | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "number":
      return Number.isNaN(value) ? null : value;
    case "bigint":
      return Number(value);
    case "boolean":
      return value ? 1 : 0;
    case "string":
      return null;
    case "object":
      return value.getTime() / 1000;
    default: {
      const unexpected: never = value;
      return unexpected;
    }
  }
}

function toMlValue(value: unknown): MlValue {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "string" || typeof value === "boolean") {
    return value;
  }
  if (value instanceof Date) return value;
  return String(value);
}

/** Columns from row objects (e.g. a TableData); `names` defaults to the first row's keys. */
export function columnsFromRows(rows: readonly Record<string, unknown>[], names?: readonly string[]): Record<string, MlValue[]> {
  const columnNames = names ?? Object.keys(rows[0] ?? {});
  const columns: Record<string, MlValue[]> = {};
  for (const name of columnNames) columns[name] = rows.map((row) => toMlValue(row[name]));
  return columns;
}
