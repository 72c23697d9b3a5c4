"use client";
// One column header: name and type (click to sort), statistics, histogram, filter.
import { useEffect, useState, type MouseEvent } from "react";
import { defaultFilterOp } from "@/lib/preview/sort";
import { FILTER_OPS, isFilterOp, opTakesValue, type FilterOp, type SortKey } from "@/lib/preview/sql";
import { formatCount, formatShare, type ColumnStats, type Histogram } from "@/lib/preview/stats";
import { columnKind } from "@/lib/preview/column-kind";
import type { Column } from "@/lib/warehouse/types";
import { MiniHistogram } from "./MiniHistogram";
import styles from "./preview-table.module.css";

export interface FilterDraft {
  op: FilterOp;
  text: string;
}

const OP_LABELS: Record<FilterOp, string> = {
  "=": "=",
  "!=": "≠",
  "<": "<",
  "<=": "≤",
  ">": ">",
  ">=": "≥",
  contains: "contains",
  is_null: "is null",
  not_null: "not null",
};

interface Props {
  column: Column;
  index: number;
  sort: readonly SortKey[];
  stats: ColumnStats | undefined;
  histogram: Histogram | undefined;
  total: number;
  filter: FilterDraft | undefined;
  onSort(column: string, multi: boolean): void;
  onFilter(column: string, draft: FilterDraft | undefined): void;
}

export function ColumnHeader({ column, index, sort, stats, histogram, total, filter, onSort, onFilter }: Props) {
  const position = sort.findIndex((key) => key.column === column.name);
  const key = sort[position];
  const direction = key?.direction;
  const ariaSort = direction === "asc" ? "ascending" : direction === "desc" ? "descending" : "none";
  const range = stats && (stats.min !== null || stats.max !== null) ? `${stats.min ?? "–"} … ${stats.max ?? "–"}` : "";
  const numeric = columnKind(column.type) === "numeric";

  return (
    <div role="columnheader" aria-colindex={index + 2} aria-sort={ariaSort} className={styles.headerCell} data-testid={`column-header-${column.name}`}>
      <button
        type="button"
        className={styles.sortButton}
        data-testid={`sort-${column.name}`}
        title="Sort (shift-click to add to the sort)"
        onClick={(event: MouseEvent) => onSort(column.name, event.shiftKey)}
      >
        <span className={styles.columnName}>{column.name}</span>
        <span className={styles.sortMark} aria-hidden="true">
          {direction === "asc" ? "▲" : direction === "desc" ? "▼" : ""}
          {direction && sort.length > 1 ? <sup>{position + 1}</sup> : null}
        </span>
      </button>
      <div className={styles.columnType}>{column.type.toLowerCase()}</div>
      <div className={styles.stats}>
        {stats ? (
          <>
            <span title="share of NULL values">null {formatShare(stats.nullShare)}</span>
            <span title="distinct values (approximate)">≈{formatCount(stats.distinct)} distinct</span>
          </>
        ) : (
          <span className={styles.placeholder}>…</span>
        )}
      </div>
      <div className={styles.range} title={range}>
        {range || " "}
      </div>
      <MiniHistogram histogram={histogram} total={total} />
      <FilterControl column={column} numeric={numeric} filter={filter} onFilter={onFilter} />
    </div>
  );
}

function FilterControl({
  column,
  numeric,
  filter,
  onFilter,
}: {
  column: Column;
  numeric: boolean;
  filter: FilterDraft | undefined;
  onFilter(column: string, draft: FilterDraft | undefined): void;
}) {
  const [op, setOp] = useState<FilterOp>(filter?.op ?? defaultFilterOp(column));
  const [text, setText] = useState(filter?.text ?? "");
  const takesValue = opTakesValue(op);

  // Apply a typed value after a pause; Enter applies at once.
  useEffect(() => {
    if (!takesValue) return;
    if ((filter?.text ?? "") === text && (filter?.op ?? op) === op) return;
    const timer = setTimeout(() => onFilter(column.name, text.trim() === "" ? undefined : { op, text }), 400);
    return () => clearTimeout(timer);
  }, [text, op, takesValue, filter, column.name, onFilter]);

  const apply = (nextOp: FilterOp, nextText: string) => {
    if (!opTakesValue(nextOp)) onFilter(column.name, { op: nextOp, text: "" });
    else onFilter(column.name, nextText.trim() === "" ? undefined : { op: nextOp, text: nextText });
  };

  return (
    <div className={styles.filter}>
      <select
        aria-label={`filter operator for ${column.name}`}
        data-testid={`filter-op-${column.name}`}
        value={op}
        onChange={(event) => {
          const value = event.target.value;
          if (!isFilterOp(value)) return;
          setOp(value);
          apply(value, text);
        }}
      >
        {FILTER_OPS.map((o) => (
          <option key={o} value={o}>
            {OP_LABELS[o]}
          </option>
        ))}
      </select>
      <input
        aria-label={`filter ${column.name}`}
        data-testid={`filter-${column.name}`}
        type="text"
        inputMode={numeric ? "decimal" : "text"}
        placeholder={takesValue ? "filter…" : ""}
        disabled={!takesValue}
        value={takesValue ? text : ""}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Enter") apply(op, text);
          if (event.key === "Escape") {
            setText("");
            apply(op, "");
          }
        }}
      />
    </div>
  );
}
