// Shared paging: records regrouped into pages of exactly `pageSize` (the last may be
// shorter), with the abort signal checked between pages.

export type FileRecord = Record<string, unknown>;

export interface PageOptions {
  pageSize: number;
  signal?: AbortSignal;
}

export const DEFAULT_PAGE_SIZE = 10_000;

export async function* pagesOf(
  chunks: AsyncIterable<readonly FileRecord[]> | Iterable<readonly FileRecord[]>,
  options: PageOptions,
): AsyncGenerator<FileRecord[]> {
  let page: FileRecord[] = [];
  for await (const chunk of chunks) {
    options.signal?.throwIfAborted();
    for (const record of chunk) {
      page.push(record);
      if (page.length >= options.pageSize) {
        yield page;
        page = [];
        options.signal?.throwIfAborted();
      }
    }
  }
  if (page.length > 0) yield page;
}

export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
