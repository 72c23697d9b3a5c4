"use client";
// Header statistics of a table: one scan for null share, distinct, min and max, then
// one histogram (or top values) per column, shown as they arrive.
import { useEffect, useState } from "react";
import { columnStatsQuery, HISTOGRAM_BINS, histogramQuery } from "@/lib/preview/sql";
import { parseColumnStats, parseHistogram, type ColumnStats, type Histogram } from "@/lib/preview/stats";
import type { Column, Warehouse } from "@/lib/warehouse/types";

export interface ColumnSummaries {
  stats: Map<string, ColumnStats>;
  histograms: Map<string, Histogram>;
  error?: string;
}

const EMPTY: ColumnSummaries = { stats: new Map(), histograms: new Map() };

/** `paused`: wait (e.g. while other cells still run on the same warehouse), then compute. */
export function useColumnStats(warehouse: Warehouse, table: string, columns: readonly Column[], paused = false): ColumnSummaries {
  const [state, setState] = useState<{ key: string; value: ColumnSummaries }>({ key: "", value: EMPTY });
  const key = JSON.stringify([table, columns.map((c) => [c.name, c.type])]);

  useEffect(() => {
    if (paused) return;
    let cancelled = false;
    const update = (patch: (value: ColumnSummaries) => ColumnSummaries) =>
      setState((prev) => ({ key, value: patch(prev.key === key ? prev.value : EMPTY) }));
    (async () => {
      try {
        const [row] = await warehouse.query(columnStatsQuery(table, columns));
        if (cancelled) return;
        const stats = new Map(parseColumnStats(row, columns).map((s) => [s.name, s]));
        update((value) => ({ ...value, stats }));
        for (const column of columns) {
          const sql = histogramQuery(table, column.name, column.type, HISTOGRAM_BINS);
          if (sql === null || cancelled) continue;
          const histogram = parseHistogram(await warehouse.query(sql), column.type, HISTOGRAM_BINS);
          if (cancelled) return;
          update((value) => ({ ...value, histograms: new Map(value.histograms).set(column.name, histogram) }));
        }
      } catch (error) {
        if (!cancelled) update((value) => ({ ...value, error: error instanceof Error ? error.message : String(error) }));
      }
    })();
    return () => {
      cancelled = true;
    };
    // `key` stands for table and columns.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [warehouse, key, paused]);

  return state.key === key ? state.value : EMPTY;
}
