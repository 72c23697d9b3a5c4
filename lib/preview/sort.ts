// Header clicks: a click sorts by one column (ascending, descending, then none);
// a shift-click adds or cycles the column within a multi-column sort.
import type { Column } from "../warehouse/types";
import { columnKind } from "./column-kind";
import type { FilterOp, FilterValue, SortKey } from "./sql";

export function nextSort(sort: readonly SortKey[], column: string, multi: boolean): SortKey[] {
  const current = sort.find((key) => key.column === column);
  const next: SortKey | undefined =
    current === undefined
      ? { column, direction: "asc" }
      : current.direction === "asc"
        ? { column, direction: "desc" }
        : undefined;
  if (!multi) return next ? [next] : [];
  if (current === undefined) return next ? [...sort, next] : [...sort];
  return sort.flatMap((key) => (key.column === column ? (next ? [next] : []) : [key]));
}

/** The filter value a user typed, as a number or boolean where the column is one. */
export function parseFilterValue(text: string, type: string): FilterValue {
  const trimmed = text.trim();
  switch (columnKind(type)) {
    case "numeric": {
      const n = Number(trimmed);
      return trimmed !== "" && Number.isFinite(n) ? n : text;
    }
    case "boolean":
      if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
      return text;
    case "temporal":
    case "text":
    case "complex":
      return text;
  }
}

/** The operator a new filter on this column starts with. */
export function defaultFilterOp(column: Column): FilterOp {
  switch (columnKind(column.type)) {
    case "text":
    case "complex":
      return "contains";
    case "numeric":
    case "temporal":
    case "boolean":
      return "=";
  }
}
