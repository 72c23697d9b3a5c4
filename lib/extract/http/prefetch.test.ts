import { afterEach, describe, expect, it } from "vitest";
import { fetchPages } from "./fetch-pages";
import { noSecrets } from "./test-helpers";
import { startTestServer, type TestServer } from "./test-server";

let server: TestServer;
afterEach(() => server?.close());

async function until(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  return condition();
}

function pagedServer(pages: number) {
  return startTestServer((request, response) => {
    const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify(page <= pages ? [{ id: page }] : []));
  });
}

describe("prefetch", () => {
  it("requests the next page while the caller still holds the current one", async () => {
    server = await pagedServer(3);
    const spec = { base_url: server.url, paginator: { type: "page_number" as const } };
    const seen: number[] = [];
    for await (const page of fetchPages(spec, { resolveSecret: noSecrets, prefetch: true })) {
      seen.push(page.records.length);
      // While this page is "being loaded", the next request is already at the server.
      if (page.pageNumber === 1) expect(await until(() => server.requests.length === 2)).toBe(true);
    }
    expect(seen).toEqual([1, 1, 1, 0]);
    expect(server.requests.map((r) => r.url)).toEqual(["/?page=1", "/?page=2", "/?page=3", "/?page=4"]);
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
