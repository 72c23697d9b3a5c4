// Paginators: given the page just read, where the next one is (or that there is none).
import type { PathLookup } from "./json-body";
import { findLink } from "./link-header";
import type { PaginatorSpec } from "./spec";

export interface PageResponse {
  url: URL;
  headers: Headers;
  /** The value at a dotted path in the body (readPath's rules), read without parsing the body where its bytes allow. */
  valueAt(path: string): PathLookup;
  /** How many records the page holds. */
  count: number;
}

export interface Paginator {
  /** Sets the first page's query parameters. */
  start(url: URL): void;
  /** The URL of the page after `page`, or undefined when `page` was the last. */
  next(page: PageResponse): URL | undefined;
  /**
   * The URL `pages` pages after the one at `url`, were every page full: where the pages ahead
   * are known before they are read (page numbers; offsets with a limit), so they can be
   * requested early. Absent, or undefined: they cannot be told.
   */
  ahead?(url: URL, pages: number): URL | undefined;
}

/** The paths into a page's body a paginator reads. */
export function paginatorPaths(spec: PaginatorSpec): string[] {
  switch (spec.type) {
    case "single":
    case "page_number":
    case "link_header":
      return [];
    case "offset":
      return spec.total_path === undefined ? [] : [spec.total_path];
    case "cursor":
      return [spec.cursor_path];
    case "next_url":
      return [spec.next_path];
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown paginator ${String(unreachable)}`);
    }
  }
}

export const PAGE_NUMBER_DEFAULTS = { page_param: "page", size_param: "size", start: 1 } as const;
export const OFFSET_DEFAULTS = { offset_param: "offset", limit_param: "limit" } as const;

type Warn = (message: string) => void;

function withParam(url: URL, name: string, value: string | number): URL {
  const next = new URL(url);
  next.searchParams.set(name, String(value));
  return next;
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

export function createPaginator(spec: PaginatorSpec, warn: Warn): Paginator {
  switch (spec.type) {
    case "single":
      return { start: () => {}, next: () => undefined };
    case "page_number":
      return pageNumberPaginator(spec);
    case "offset":
      return offsetPaginator(spec, warn);
    case "cursor":
      return cursorPaginator(spec, warn);
    case "link_header":
      return { start: () => {}, next: (page) => nextUrlOrUndefined(findLink(page.headers.get("link"), "next", page.url.href)) };
    case "next_url":
      return nextUrlPaginator(spec, warn);
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown paginator ${String(unreachable)}`);
    }
  }
}

function nextUrlOrUndefined(href: string | undefined): URL | undefined {
  return href === undefined ? undefined : new URL(href);
}

function pageNumberPaginator(spec: Extract<PaginatorSpec, { type: "page_number" }>): Paginator {
  const pageParam = spec.page_param ?? PAGE_NUMBER_DEFAULTS.page_param;
  const sizeParam = spec.size_param ?? PAGE_NUMBER_DEFAULTS.size_param;
  let page = spec.start ?? PAGE_NUMBER_DEFAULTS.start;
  return {
    start(url) {
      url.searchParams.set(pageParam, String(page));
      if (spec.size !== undefined) url.searchParams.set(sizeParam, String(spec.size));
    },
    next({ url, count }) {
      // An empty page, or a short one when we know the size, is the last.
      if (count === 0) return undefined;
      if (spec.size !== undefined && count < spec.size) return undefined;
      page += 1;
      return withParam(url, pageParam, page);
    },
    ahead: (url, pages) => stepped(url, pageParam, pages),
  };
}

function offsetPaginator(spec: Extract<PaginatorSpec, { type: "offset" }>, warn: Warn): Paginator {
  const offsetParam = spec.offset_param ?? OFFSET_DEFAULTS.offset_param;
  const limitParam = spec.limit_param ?? OFFSET_DEFAULTS.limit_param;
  let offset = 0;
  let warnedNoTotal = false;
  return {
    start(url) {
      url.searchParams.set(offsetParam, "0");
      if (spec.limit !== undefined) url.searchParams.set(limitParam, String(spec.limit));
    },
    next(page) {
      const { url, count } = page;
      if (count === 0) return undefined;
      if (spec.limit !== undefined && count < spec.limit) return undefined;
      offset += count;
      if (spec.total_path !== undefined) {
        const lookup = page.valueAt(spec.total_path);
        const total = lookup.found ? asNumber(lookup.value) : undefined;
        if (total !== undefined && offset >= total) return undefined;
        if (total === undefined && !warnedNoTotal) {
          warnedNoTotal = true;
          warn(`total_path "${spec.total_path}" is not a number in the response from ${url.href}; paging until an empty page`);
        }
      }
      return withParam(url, offsetParam, offset);
    },
    // A full page holds `limit` records: the offsets ahead are known only with one.
    ahead: (url, pages) => (spec.limit === undefined ? undefined : stepped(url, offsetParam, pages * spec.limit)),
  };
}

/** `url` with the whole number in its `param` moved on by `by` (undefined: it has none). */
function stepped(url: URL, param: string, by: number): URL | undefined {
  const value = url.searchParams.get(param);
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const next = Number(value) + by;
  return Number.isSafeInteger(next) ? withParam(url, param, next) : undefined;
}

function cursorPaginator(spec: Extract<PaginatorSpec, { type: "cursor" }>, warn: Warn): Paginator {
  const seen = new Set<string>();
  return {
    start: () => {},
    next({ url, valueAt }) {
      const lookup = valueAt(spec.cursor_path);
      if (!lookup.found || lookup.value === null || lookup.value === "") return undefined;
      const cursor = lookup.value;
      if (typeof cursor !== "string" && typeof cursor !== "number") {
        warn(`cursor_path "${spec.cursor_path}" is not a string or number in the response from ${url.href}; stopping`);
        return undefined;
      }
      const key = String(cursor);
      if (seen.has(key)) {
        warn(`cursor "${key}" at cursor_path "${spec.cursor_path}" repeated a previous value; stopping`);
        return undefined;
      }
      seen.add(key);
      return withParam(url, spec.cursor_param, key);
    },
  };
}

function nextUrlPaginator(spec: Extract<PaginatorSpec, { type: "next_url" }>, warn: Warn): Paginator {
  return {
    start: () => {},
    next({ url, valueAt }) {
      const lookup = valueAt(spec.next_path);
      if (!lookup.found || lookup.value === null || lookup.value === "") return undefined;
      const target = lookup.value;
      if (typeof target !== "string" || !URL.canParse(target, url)) {
        warn(`next_path "${spec.next_path}" is not a URL in the response from ${url.href}; stopping`);
        return undefined;
      }
      return new URL(target, url);
    },
  };
}
