"use client";
// The preview of a table: virtualized rows fetched in pages as the user scrolls, column
// headers with statistics and a histogram, sort (shift for several columns), filters,
// the filtered row count and the SQL of what is shown.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { columnKind } from "@/lib/preview/column-kind";
import { formatCell } from "@/lib/preview/format";
import { nextSort, parseFilterValue } from "@/lib/preview/sort";
import { opTakesValue, previewQuery, type Filter, type SortKey } from "@/lib/preview/sql";
import type { Column, Warehouse } from "@/lib/warehouse/types";
import { ColumnHeader, type FilterDraft } from "./preview/ColumnHeader";
import { CopySqlButton } from "./preview/CopySqlButton";
import { useColumnStats } from "./preview/use-column-stats";
import { usePagedRows } from "./preview/use-paged-rows";
import { useRowWindow } from "./preview/use-row-window";
import styles from "./preview/preview-table.module.css";

export interface PreviewTableProps {
  warehouse: Warehouse;
  table: string;
  columns: Column[];
  /** Rows in the table (unfiltered). */
  rowCount: number;
  /** Hold off the column statistics (full scans) while the warehouse is busy elsewhere. */
  statsPaused?: boolean;
}

const ROW_HEIGHT = 28;
const ROWNUM_WIDTH = 64;

function columnWidth(column: Column): number {
  switch (columnKind(column.type)) {
    case "numeric":
      return 150;
    case "boolean":
      return 140;
    case "temporal":
      return 190;
    case "text":
      return 200;
    case "complex":
      return 220;
  }
}

function toFilters(drafts: Record<string, FilterDraft>, columns: readonly Column[]): Filter[] {
  return columns.flatMap((column) => {
    const draft = drafts[column.name];
    if (!draft) return [];
    if (!opTakesValue(draft.op)) return [{ column: column.name, op: draft.op }];
    return [{ column: column.name, op: draft.op, value: parseFilterValue(draft.text, column.type) }];
  });
}

export function PreviewTable({ warehouse, table, columns, rowCount, statsPaused = false }: PreviewTableProps) {
  const [sort, setSort] = useState<SortKey[]>([]);
  const [drafts, setDrafts] = useState<Record<string, FilterDraft>>({});
  const filters = useMemo(() => toFilters(drafts, columns), [drafts, columns]);
  const rows = usePagedRows(warehouse, table, sort, filters, rowCount);
  const summaries = useColumnStats(warehouse, table, columns, statsPaused);
  const sql = previewQuery({ table, sort, filters });

  // While a new filter is being counted, keep the grid at its previous length.
  const [settledCount, setSettledCount] = useState(rowCount);
  // Derived while rendering (React's pattern for state that follows a value), not in an effect.
  if (rows.count !== null && rows.count !== settledCount) setSettledCount(rows.count);
  const count = rows.count ?? settledCount;

  const scroller = useRef<HTMLDivElement>(null);
  const header = useRef<HTMLDivElement>(null);
  const [headerHeight, setHeaderHeight] = useState(0);
  useEffect(() => {
    const element = header.current;
    if (!element) return;
    // Measured when the browser lays the page out anyway (an observer's first call comes
    // then), never by reading offsetHeight in a commit, which forces a layout of the page.
    const observer = new ResizeObserver(([entry]) => setHeaderHeight(entry?.borderBoxSize[0]?.blockSize ?? element.offsetHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const { first, last } = useRowWindow({ scroller, offset: headerHeight, rowHeight: ROW_HEIGHT, count, overscan: 12 });
  const shown = Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);
  const { request } = rows;
  useEffect(() => request(first, last), [request, first, last]);

  // A new sort or filter starts at the top.
  const queryKey = JSON.stringify([sort, filters]);
  useEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [queryKey]);

  const onSort = useCallback((column: string, multi: boolean) => setSort((prev) => nextSort(prev, column, multi)), []);
  const onFilter = useCallback((column: string, draft: FilterDraft | undefined) => {
    setDrafts((prev) => {
      const next = { ...prev };
      if (draft) next[column] = draft;
      else delete next[column];
      return next;
    });
  }, []);

  const template = `${ROWNUM_WIDTH}px ${columns.map((c) => `${columnWidth(c)}px`).join(" ")}`;
  const width = ROWNUM_WIDTH + columns.reduce((sum, c) => sum + columnWidth(c), 0);
  const error = rows.error ?? summaries.error;

  return (
    <div className={styles.root} data-testid="preview-table">
      <div className={styles.toolbar}>
        <span className={styles.count} data-testid="row-count" aria-live="polite">
          {rows.count === null ? "counting…" : `${rows.count.toLocaleString("en-US")} ${rows.count === 1 ? "row" : "rows"}`}
        </span>
        {filters.length > 0 || sort.length > 0 ? (
          <button
            type="button"
            className={styles.textButton}
            onClick={() => {
              setSort([]);
              setDrafts({});
            }}
          >
            Reset
          </button>
        ) : null}
        {error ? (
          <span className={styles.error} role="alert">
            {error}
          </span>
        ) : null}
        <span className={styles.spacer} />
        <details className={styles.sqlDetails}>
          <summary>SQL</summary>
          <pre data-testid="preview-sql">{sql}</pre>
        </details>
        <CopySqlButton sql={sql} />
      </div>
      <div
        ref={scroller}
        className={styles.scroller}
        role="grid"
        aria-label={`Preview of ${table}`}
        aria-rowcount={count + 1}
        aria-colcount={columns.length + 1}
        tabIndex={0}
      >
        <div style={{ width, minWidth: "100%" }}>
          <div ref={header} className={styles.header} role="rowgroup">
            <div role="row" aria-rowindex={1} className={styles.row} style={{ gridTemplateColumns: template }}>
              <div role="columnheader" aria-colindex={1} className={`${styles.headerCell} ${styles.rownum}`}>
                #
              </div>
              {columns.map((column, index) => (
                <ColumnHeader
                  key={column.name}
                  column={column}
                  index={index}
                  sort={sort}
                  stats={summaries.stats.get(column.name)}
                  histogram={summaries.histograms.get(column.name)}
                  total={rowCount}
                  filter={drafts[column.name]}
                  onSort={onSort}
                  onFilter={onFilter}
                />
              ))}
            </div>
          </div>
          <div role="rowgroup" className={styles.body} style={{ height: count * ROW_HEIGHT }}>
            {shown.map((index) => {
              const row = rows.row(index);
              return (
                <div
                  key={index}
                  role="row"
                  aria-rowindex={index + 2}
                  data-row-index={index}
                  className={`${styles.row} ${styles.dataRow}`}
                  style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${index * ROW_HEIGHT}px)` }}
                >
                  <div role="rowheader" aria-colindex={1} className={`${styles.cell} ${styles.rownum}`}>
                    {(index + 1).toLocaleString("en-US")}
                  </div>
                  {columns.map((column, index) => {
                    if (!row) {
                      return (
                        <div key={column.name} role="gridcell" aria-colindex={index + 2} aria-busy="true" className={styles.cell}>
                          <span className={styles.skeleton} />
                        </div>
                      );
                    }
                    const text = formatCell(row[column.name], column.type);
                    const numeric = columnKind(column.type) === "numeric";
                    return (
                      <div
                        key={column.name}
                        role="gridcell"
                        aria-colindex={index + 2}
                        className={`${styles.cell} ${numeric ? styles.numeric : ""}`}
                        title={text ?? "NULL"}
                      >
                        {text === null ? <span className={styles.null}>NULL</span> : text}
                      </div>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
