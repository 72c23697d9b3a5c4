"use client";
// Rows of a sorted, filtered table fetched in pages of 200 by LIMIT/OFFSET as the user
// scrolls, kept in a page cache that a new sort or filter replaces; plus the row count.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { PageCache } from "@/lib/preview/page-cache";
import { countQuery, previewQuery, type Filter, type SortKey } from "@/lib/preview/sql";
import { toNumber } from "@/lib/preview/column-kind";
import type { Row, Warehouse } from "@/lib/warehouse/types";

export const PAGE_SIZE = 200;

export interface PagedRows {
  /** Rows the filters keep; null while counting. */
  count: number | null;
  row(index: number): Row | undefined;
  /** Asks for rows [first, last] (fetched shortly, if not cached). */
  request(first: number, last: number): void;
  error?: string;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function usePagedRows(
  warehouse: Warehouse,
  table: string,
  sort: readonly SortKey[],
  filters: readonly Filter[],
  rowCount: number,
): PagedRows {
  const key = JSON.stringify([table, sort, filters]);
  const countKey = JSON.stringify([table, filters, rowCount]);
  // A new cache for every query: pages of an older query are never shown.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const cache = useMemo(() => new PageCache(PAGE_SIZE, 60), [warehouse, key]);
  const [, setLoaded] = useState(0);
  const [error, setError] = useState<{ key: string; message: string } | undefined>();
  const [counted, setCounted] = useState<{ key: string; count: number } | undefined>();
  const wanted = useRef<{ first: number; last: number }>({ first: 0, last: -1 });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const fetchWanted = useCallback(() => {
    const { first, last } = wanted.current;
    for (const page of cache.missing(first, last)) {
      cache.start(page);
      warehouse
        .query(previewQuery({ table, sort, filters, limit: PAGE_SIZE, offset: page * PAGE_SIZE }))
        .then((rows) => {
          cache.put(page, rows);
          setLoaded((n) => n + 1);
        })
        .catch((e: unknown) => {
          cache.fail(page);
          setError({ key, message: message(e) });
        });
    }
    // `key` stands for table, sort and filters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, warehouse]);

  const request = useCallback(
    (first: number, last: number) => {
      // A page before and after what is visible, so short scrolls find rows ready.
      wanted.current = { first: Math.max(0, first - PAGE_SIZE / 2), last: last + PAGE_SIZE / 2 };
      if (cache.missing(wanted.current.first, wanted.current.last).length === 0) return;
      // While the scrollbar is dragged, fetch only where it comes to rest.
      clearTimeout(timer.current);
      timer.current = setTimeout(fetchWanted, 40);
    },
    [cache, fetchWanted],
  );

  useEffect(() => {
    // The cache changed (new query): fetch what the viewport wants now.
    if (wanted.current.last >= 0) fetchWanted();
    return () => clearTimeout(timer.current);
  }, [fetchWanted]);

  const unfiltered = filters.length === 0;
  useEffect(() => {
    if (unfiltered) return;
    let cancelled = false;
    warehouse
      .query(countQuery({ table, filters }))
      .then(([row]) => {
        if (!cancelled) setCounted({ key: countKey, count: toNumber(row?.n) ?? 0 });
      })
      .catch((e: unknown) => {
        if (!cancelled) setError({ key, message: message(e) });
      });
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [warehouse, countKey]);

  const count = unfiltered ? rowCount : counted?.key === countKey ? counted.count : null;
  return {
    count,
    row: (index) => cache.row(index),
    request,
    error: error?.key === key ? error.message : undefined,
  };
}
