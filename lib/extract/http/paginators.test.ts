import { afterEach, describe, expect, it } from "vitest";
import { ExtractHttpError } from "./errors";
import { fetchPages } from "./fetch-pages";
import { createPaginator } from "./paginators";
import { collectPages, noSecrets, rejectionOf } from "./test-helpers";
import { queryOf, sendJson, startTestServer, type TestHandler, type TestServer } from "./test-server";

const ITEMS = Array.from({ length: 7 }, (_, index) => ({ id: index + 1 }));
const idOf = (record: unknown): unknown =>
  typeof record === "object" && record !== null && "id" in record ? record.id : record;
const ids = (pages: { records: unknown[] }[]) => pages.map((page) => page.records.map(idOf));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

describe("pages ahead (requested early while prefetching)", () => {
  const warn = () => {};
  const at = (query: string) => new URL(`https://api.test/items?${query}`);
  it("page numbers and offsets with a limit tell the pages after a page; other paginators cannot", () => {
    const pages = createPaginator({ type: "page_number", page_param: "p", size_param: "n", size: 50 }, warn);
    expect(pages.ahead?.(at("p=3&n=50&q=x"), 2)?.href).toBe("https://api.test/items?p=5&n=50&q=x");
    const offsets = createPaginator({ type: "offset", limit: 50, total_path: "total" }, warn);
    expect(offsets.ahead?.(at("offset=100&limit=50"), 3)?.href).toBe("https://api.test/items?offset=250&limit=50");
    // Without a limit the next offset is the page's count, unknown until it is read.
    expect(createPaginator({ type: "offset" }, warn).ahead?.(at("offset=100"), 1)).toBeUndefined();
    // A URL without the number (or not a whole one) tells nothing.
    expect(pages.ahead?.(at("n=50"), 1)).toBeUndefined();
    expect(pages.ahead?.(at("p=x"), 1)).toBeUndefined();
    for (const spec of [{ type: "cursor", cursor_path: "next", cursor_param: "c" }, { type: "link_header" }, { type: "next_url", next_path: "next" }, { type: "single" }] as const) {
      expect(createPaginator(spec, warn).ahead?.(at("page=1"), 1), spec.type).toBeUndefined();
    }
  });
});

describe("page_number", () => {
  it("stops on a short page when size is known (records at the top level)", async () => {
    const api = await serve((request, response) => {
      const query = queryOf(request);
      const size = Number(query.get("per_page"));
      const page = Number(query.get("p"));
      sendJson(response, 200, ITEMS.slice((page - 1) * size, page * size));
    });
    const pages = await collectPages({
      base_url: `${api.url}/v1/`,
      path: "/items",
      paginator: { type: "page_number", page_param: "p", size_param: "per_page", size: 3 },
    });
    expect(ids(pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(pages.map((page) => page.pageNumber)).toEqual([1, 2, 3]);
    expect(api.requests.map((request) => request.url)).toEqual([
      "/v1/items?p=1&per_page=3",
      "/v1/items?p=2&per_page=3",
      "/v1/items?p=3&per_page=3",
    ]);
  });

  it("stops on an empty page without a size (records under data), from start", async () => {
    const api = await serve((request, response) => {
      const page = Number(queryOf(request).get("page"));
      sendJson(response, 200, { data: ITEMS.slice(page * 3, page * 3 + 3) });
    });
    const pages = await collectPages({
      base_url: api.url,
      path: "items",
      data_path: "data",
      paginator: { type: "page_number", start: 0 },
    });
    expect(ids(pages)).toEqual([[1, 2, 3], [4, 5, 6], [7], []]);
    expect(api.requests.map((request) => queryOf(request).get("page"))).toEqual(["0", "1", "2", "3"]);
  });
});

describe("offset", () => {
  const handler =
    (total: number): TestHandler =>
    (request, response) => {
      const query = queryOf(request);
      const offset = Number(query.get("offset"));
      const limit = Number(query.get("limit") ?? 3);
      sendJson(response, 200, { results: { items: ITEMS.slice(0, total).slice(offset, offset + limit), total } });
    };

  it("stops when the offset reaches total_path, without asking for an empty page", async () => {
    const api = await serve(handler(6));
    const pages = await collectPages({
      base_url: api.url,
      path: "items",
      data_path: "results.items",
      paginator: { type: "offset", limit: 3, total_path: "results.total" },
    });
    expect(ids(pages)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(api.requests.map((request) => request.url)).toEqual(["/items?offset=0&limit=3", "/items?offset=3&limit=3"]);
  });

  it("stops on a short page, with custom parameter names", async () => {
    const api = await serve((request, response) => {
      const query = queryOf(request);
      const skip = Number(query.get("skip"));
      sendJson(response, 200, ITEMS.slice(skip, skip + Number(query.get("take"))));
    });
    const pages = await collectPages({
      base_url: api.url,
      paginator: { type: "offset", offset_param: "skip", limit_param: "take", limit: 4 },
    });
    expect(ids(pages)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7],
    ]);
  });

  it("without a limit, stops on an empty page", async () => {
    const api = await serve(handler(7));
    const pages = await collectPages({ base_url: api.url, data_path: "results.items", paginator: { type: "offset" } });
    expect(ids(pages)).toEqual([[1, 2, 3], [4, 5, 6], [7], []]);
    expect(api.requests.map((request) => queryOf(request).get("offset"))).toEqual(["0", "3", "6", "7"]);
  });
});

describe("cursor", () => {
  it("follows cursor_path until it is null (records under results.items)", async () => {
    const api = await serve((request, response) => {
      const start = Number(queryOf(request).get("after") ?? 0);
      const items = ITEMS.slice(start, start + 3);
      const end = start + items.length;
      sendJson(response, 200, { results: { items }, meta: { next: end < ITEMS.length ? String(end) : null } });
    });
    const pages = await collectPages({
      base_url: api.url,
      data_path: "results.items",
      paginator: { type: "cursor", cursor_path: "meta.next", cursor_param: "after" },
    });
    expect(ids(pages)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(api.requests.map((request) => request.url)).toEqual(["/", "/?after=3", "/?after=6"]);
  });

  it("stops when the cursor is missing", async () => {
    const api = await serve((request, response) => {
      sendJson(response, 200, queryOf(request).has("c") ? { data: [2] } : { data: [1], next: "x" });
    });
    const pages = await collectPages({
      base_url: api.url,
      data_path: "data",
      paginator: { type: "cursor", cursor_path: "next", cursor_param: "c" },
    });
    expect(pages.map((page) => page.records)).toEqual([[1], [2]]);
  });

  it("stops safely, with a warning, when a cursor repeats", async () => {
    const api = await serve((request, response) => {
      const cursor = queryOf(request).get("c");
      const next = cursor === null ? "a" : cursor === "a" ? "b" : "a";
      sendJson(response, 200, { data: [cursor], next });
    });
    const warnings: string[] = [];
    const pages = await collectPages(
      { base_url: api.url, data_path: "data", paginator: { type: "cursor", cursor_path: "next", cursor_param: "c" } },
      { onWarning: (message) => warnings.push(message) },
    );
    expect(pages.map((page) => page.records)).toEqual([[null], ["a"], ["b"]]);
    expect(api.requests).toHaveLength(3);
    expect(warnings).toEqual([expect.stringContaining('cursor "a"')]);
  });
});

describe("link_header", () => {
  it("follows rel=next among several links, resolving relative URLs", async () => {
    const api = await serve((request, response) => {
      const page = Number(queryOf(request).get("page") ?? 1);
      const links = [`</api/items?page=1>; rel="first"`];
      if (page < 3) links.push(`<items?page=${page + 1}>; rel="next"`);
      links.push(`<${server?.url}/api/items?page=3>; rel=last`);
      sendJson(response, 200, [{ id: page }], { link: links.join(", ") });
    });
    const pages = await collectPages({ base_url: `${api.url}/api`, path: "items", paginator: { type: "link_header" } });
    expect(ids(pages)).toEqual([[1], [2], [3]]);
    expect(api.requests.map((request) => request.url)).toEqual(["/api/items", "/api/items?page=2", "/api/items?page=3"]);
  });

  it("stops with a warning when the next link points at a page already fetched", async () => {
    const api = await serve((_request, response) => sendJson(response, 200, [1], { link: '</same>; rel="next"' }));
    const warnings: string[] = [];
    const pages = await collectPages(
      { base_url: api.url, path: "same", paginator: { type: "link_header" } },
      { onWarning: (message) => warnings.push(message) },
    );
    expect(pages).toHaveLength(1);
    expect(warnings).toEqual([expect.stringContaining("already fetched")]);
  });
});

describe("next_url", () => {
  it("follows next_path, resolving relative URLs against the current page", async () => {
    const api = await serve((request, response) => {
      const page = Number(queryOf(request).get("page") ?? 1);
      sendJson(response, 200, { data: [{ id: page }], paging: { next: page < 3 ? `items?page=${page + 1}` : null } });
    });
    const pages = await collectPages({
      base_url: `${api.url}/v2`,
      path: "items",
      data_path: "data",
      paginator: { type: "next_url", next_path: "paging.next" },
    });
    expect(ids(pages)).toEqual([[1], [2], [3]]);
    expect(api.requests.map((request) => request.url)).toEqual(["/v2/items", "/v2/items?page=2", "/v2/items?page=3"]);
  });

  it("refuses to follow a next URL to another origin (credentials stay home)", async () => {
    const api = await serve((_request, response) =>
      sendJson(response, 200, { data: [1], next: `http://localhost:1/elsewhere` }),
    );
    const error = await rejectionOf(
      collectPages({ base_url: api.url, data_path: "data", paginator: { type: "next_url", next_path: "next" } }),
    );
    expect(error).toBeInstanceOf(ExtractHttpError);
    expect(error.message).toContain("refusing to follow");
    expect(api.requests).toHaveLength(1);
  });
});

describe("single, params and streaming", () => {
  it("makes one request with params, extraParams over params, and headers", async () => {
    const api = await serve((_request, response) => sendJson(response, 200, { data: ITEMS }));
    const pages = await collectPages(
      {
        base_url: `${api.url}/base/?fixed=1`,
        path: "/rides?sort=asc",
        params: { after: "2020", active: true, limit: 50 },
        headers: { "x-team": "blue" },
        data_path: "data",
      },
      { extraParams: { after: "2024-01-01T00:00:00Z" } },
    );
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toHaveLength(7);
    const [request] = api.requests;
    if (request === undefined) throw new Error("no request recorded");
    expect(request.url.split("?")[0]).toBe("/base/rides");
    expect(Object.fromEntries(queryOf(request))).toEqual({
      fixed: "1",
      sort: "asc",
      after: "2024-01-01T00:00:00Z",
      active: "true",
      limit: "50",
    });
    expect(request.headers["x-team"]).toBe("blue");
    expect(request.headers.accept).toBe("application/json");
  });

  it("yields page by page: stopping early makes no further requests", async () => {
    const api = await serve((request, response) => sendJson(response, 200, [queryOf(request).get("page")]));
    const seen: number[] = [];
    for await (const page of fetchPages(
      { base_url: api.url, paginator: { type: "page_number" } },
      { resolveSecret: noSecrets, onPage: (info) => seen.push(info.records) },
    )) {
      if (page.pageNumber === 2) break;
    }
    expect(api.requests).toHaveLength(2);
    expect(seen).toEqual([1, 1]);
  });

  it("fails with a clear error when the paginator never stops (page_limit)", async () => {
    const api = await serve((_request, response) => sendJson(response, 200, [1, 2]));
    const error = await rejectionOf(
      collectPages({ base_url: api.url, paginator: { type: "page_number" }, page_limit: 3 }),
    );
    expect(error.message).toContain("paginator did not stop after 3 pages (page_limit)");
    expect(api.requests).toHaveLength(3);
  });
});
