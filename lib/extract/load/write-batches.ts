// How the page path groups rows into writes (ExtractLoader.loadPage): the first page alone,
// then whenever WRITE_BATCH_ROWS rows wait. Its column types follow these batches, so the SQL
// path (raw-plan.ts) asks which batch a record falls in.

/**
 * Rows buffered per run before they are written. Each write is a transaction with its own
 * appender, so writing every page (often 100-1,000 rows) on its own costs more in
 * statements and commits than the rows themselves. The first page is written at once.
 */
export const WRITE_BATCH_ROWS = 10_000;

/**
 * Which write batch each record falls in when pages of these sizes are loaded (loadPage: the
 * first page alone, then whenever WRITE_BATCH_ROWS rows wait), by its position. Rows of child
 * tables count too: `pageRows` are each page's rows in every table (its records', without lists).
 */
export function writeBatchOf(pageSizes: readonly number[], pageRows: readonly number[] = pageSizes): (position: number) => number {
  const starts: number[] = [];
  let position = 0;
  let pending = 0;
  for (const [index, size] of pageSizes.entries()) {
    if (pending === 0 && size > 0) starts.push(position);
    position += size;
    pending += pageRows[index] ?? size;
    if (index === 0 || pending >= WRITE_BATCH_ROWS) pending = 0;
  }
  return (at) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((starts[middle] ?? 0) <= at) low = middle + 1;
      else high = middle;
    }
    return low - 1;
  };
}

/** writeBatchOf for pages that all hold `pageSize` records (a file's). */
export function uniformWriteBatchOf(pageSize: number): (position: number) => number {
  if (pageSize >= WRITE_BATCH_ROWS) return (at) => Math.floor(at / pageSize);
  const pagesPerBatch = Math.ceil(WRITE_BATCH_ROWS / pageSize);
  // The first page is written alone; then every pagesPerBatch pages.
  return (at) => (at < pageSize ? 0 : 1 + Math.floor((at - pageSize) / (pageSize * pagesPerBatch)));
}
