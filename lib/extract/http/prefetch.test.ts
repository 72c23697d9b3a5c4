import { afterEach, describe, expect, it } from "vitest";
import { fetchPages } from "./fetch-pages";
import { AHEAD_BYTES, pagesAheadAfter, PREFETCH_DEPTH } from "./requests-ahead";
import { noSecrets } from "./test-helpers";
import { startTestServer, type TestServer } from "./test-server";

let server: TestServer;
afterEach(() => server?.close());

async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  return condition();
}

/** Pages 1 to `pages` hold one record each, the next is empty; past it, `beyond` answers (default: empty pages). */
function pagedServer(pages: number, beyond?: (response: import("node:http").ServerResponse) => void) {
  return startTestServer((request, response) => {
    const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
    if (page > pages + 1 && beyond !== undefined) return beyond(response);
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(page <= pages ? [{ id: page }] : []));
  });
}

const pageOf = (url: string) => Number(new URL(url, "http://x").searchParams.get("page"));

describe("prefetch", () => {
  it("requests the next page, and the pages after it that page numbers tell, while the caller still holds the current one", async () => {
    server = await pagedServer(10);
    const spec = { base_url: server.url, paginator: { type: "page_number" as const } };
    const seen: number[] = [];
    for await (const page of fetchPages(spec, { resolveSecret: noSecrets, prefetch: true })) {
      seen.push(page.records.length);
      // While this page is "being loaded", the next pages are already at the server.
      if (page.pageNumber === 1) expect(await until(() => server.requests.length === 1 + PREFETCH_DEPTH)).toBe(true);
    }
    expect(seen).toEqual([...Array<number>(10).fill(1), 0]);
    const requested = server.requests.map((request) => pageOf(request.url));
    // Each page once; past the empty page 11, only those requested ahead of it.
    expect(new Set(requested).size).toBe(requested.length);
    expect(requested.filter((page) => page <= 11).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    expect(requested.filter((page) => page > 11).length).toBeLessThan(PREFETCH_DEPTH);
  });

  it("requests fewer pages ahead as pages grow, so the bodies in flight stay within AHEAD_BYTES", async () => {
    expect([1, 200_000, AHEAD_BYTES / 4, AHEAD_BYTES / 3, AHEAD_BYTES / 2, AHEAD_BYTES * 2].map(pagesAheadAfter)).toEqual([PREFETCH_DEPTH - 1, PREFETCH_DEPTH - 1, 3, 2, 1, 0]);
    // Pages of 9 MB: the next one is requested while one is read, none after it.
    const pad = "x".repeat(9 * 1024 * 1024);
    server = await startTestServer((request, response) => {
      const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify(page <= 4 ? [{ id: page, pad }] : []));
    });
    const spec = { base_url: server.url, paginator: { type: "page_number" as const } };
    let pages = 0;
    for await (const page of fetchPages(spec, { resolveSecret: noSecrets, prefetch: true })) {
      pages++;
      if (page.pageNumber === 1) {
        expect(await until(() => server.requests.length === 2)).toBe(true);
        await new Promise((r) => setTimeout(r, 100));
        expect(server.requests.map((request) => pageOf(request.url))).toEqual([1, 2]);
      }
    }
    expect(pages).toBe(5);
  });

  it("aborts the pages requested ahead once a page ends the run: one that fails is neither retried nor the run's error", async () => {
    // Past the empty page 4, the server answers 500 (retried, were the requests kept), and slowly.
    server = await pagedServer(3, (response) => setTimeout(() => response.writeHead(500).end("down"), 150));
    const spec = { base_url: server.url, paginator: { type: "page_number" as const }, retries: { max_attempts: 3, backoff: 0.01 } };
    const seen: number[] = [];
    for await (const page of fetchPages(spec, { resolveSecret: noSecrets, prefetch: true })) seen.push(page.records.length);
    expect(seen).toEqual([1, 1, 1, 0]);
    // Long enough for a retry of a request that was not aborted to arrive.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const beyond = server.requests.map((request) => pageOf(request.url)).filter((page) => page > 4);
    expect(beyond.length).toBeGreaterThan(0);
    expect(new Set(beyond).size).toBe(beyond.length);
  });

  it("without prefetch, a caller that stops after one page causes exactly one request", async () => {
    server = await pagedServer(3);
    const spec = { base_url: server.url, paginator: { type: "page_number" as const } };
    for await (const page of fetchPages(spec, { resolveSecret: noSecrets })) {
      expect(page.pageNumber).toBe(1);
      break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(1);
  });
});
