// Which rows of a fixed-row-height grid a scroller shows. Every row has the same height, so
// the window is arithmetic on the scroll position: O(1) whatever the row count. (A
// virtualizer that measures rows keeps an entry per row and rebuilds them all when the
// count changes; bench/reactive saw 135 ms of an edit go to that for four previews of up to
// 900,000 rows.)

export interface RowWindowInput {
  /** The scroller's scrollTop. */
  scrollTop: number;
  /** The scroller's visible height. */
  viewport: number;
  /** Where the first row starts in the scrolled content (below the column headers). */
  offset: number;
  rowHeight: number;
  count: number;
  /** Rows drawn beyond each edge, so a short scroll shows drawn rows. */
  overscan: number;
}

/** The rows to draw, `first` to `last` inclusive (`last` < `first` when there are none). */
export interface RowWindow {
  first: number;
  last: number;
}

export function rowWindow({ scrollTop, viewport, offset, rowHeight, count, overscan }: RowWindowInput): RowWindow {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, scrollTop - offset);
  const bottom = Math.max(0, scrollTop + Math.max(0, viewport) - offset);
  const first = Math.min(count - 1, Math.max(0, Math.floor(top / rowHeight) - overscan));
  const last = Math.min(count - 1, Math.ceil(bottom / rowHeight) - 1 + overscan);
  return { first, last: Math.max(first, last) };
}
