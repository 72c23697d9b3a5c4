// Pages of a long result kept while the user scrolls: fetch windows of rows by
// LIMIT/OFFSET, keep the most recently used ones, forget them when the query changes.
import type { Row } from "../warehouse/types";

export class PageCache {
  private readonly pages = new Map<number, Row[]>();
  private readonly inFlight = new Set<number>();

  constructor(
    readonly pageSize = 200,
    private readonly maxPages = 60,
  ) {}

  pageOf(rowIndex: number): number {
    return Math.floor(rowIndex / this.pageSize);
  }

  row(rowIndex: number): Row | undefined {
    const page = this.pages.get(this.pageOf(rowIndex));
    return page?.[rowIndex % this.pageSize];
  }

  has(page: number): boolean {
    return this.pages.has(page);
  }

  /** Pages covering rows [first, last] that are neither cached nor being fetched. */
  missing(first: number, last: number): number[] {
    if (last < first) return [];
    const out: number[] = [];
    for (let page = this.pageOf(Math.max(0, first)); page <= this.pageOf(last); page++) {
      if (!this.pages.has(page) && !this.inFlight.has(page)) out.push(page);
    }
    return out;
  }

  start(page: number): void {
    this.inFlight.add(page);
  }

  /** Stores a fetched page, evicting the least recently stored beyond the limit. */
  put(page: number, rows: Row[]): void {
    this.inFlight.delete(page);
    this.pages.delete(page);
    this.pages.set(page, rows);
    while (this.pages.size > this.maxPages) {
      const oldest = this.pages.keys().next();
      if (oldest.done) break;
      this.pages.delete(oldest.value);
    }
  }

  fail(page: number): void {
    this.inFlight.delete(page);
  }

  /** Marks a cached page as recently used. */
  touch(page: number): void {
    const rows = this.pages.get(page);
    if (rows) {
      this.pages.delete(page);
      this.pages.set(page, rows);
    }
  }

  get size(): number {
    return this.pages.size;
  }
}
