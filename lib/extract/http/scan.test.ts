import { afterEach, describe, expect, it } from "vitest";
import { scanRecordArray } from "../normalize/json-scan";
import { collectPages, rejectionOf } from "./test-helpers";
import { startTestServer, type TestServer } from "./test-server";

let server: TestServer;
afterEach(() => server?.close());

/** Serves `bodies[page - 1]` for ?page=N, and an empty array after them. */
function bodiesServer(bodies: readonly string[]) {
  return startTestServer((request, response) => {
    const page = Number(new URL(request.url, "http://x").searchParams.get("page"));
    response.setHeader("content-type", "application/json");
    response.end(bodies[page - 1] ?? "[]");
  });
}

describe("pages counted from their bytes (scanRecords)", () => {
  it("pages by the count, and parses a page only when its records are asked for", async () => {
    server = await bodiesServer(['[{"id":1,"tags":["a","b"]},{"id":2}]', ' [ {"id":3} ]\n']);
    const scanned: number[] = [];
    const pages = await collectPages(
      { base_url: server.url, paginator: { type: "page_number", size: 2 } },
      {
        scanRecords: (bytes) => {
          scanned.push(bytes.byteLength);
          return scanRecordArray(bytes, 10);
        },
      },
    );
    // The second page is short: the paginator stops there on the scan's count.
    expect(server.requests.map((r) => r.url)).toEqual(["/?page=1&size=2", "/?page=2&size=2"]);
    expect(scanned).toHaveLength(2);
    expect(pages.map((page) => [page.count, page.scan])).toEqual([
      [2, { records: 2, childRows: 2 }],
      [1, { records: 1, childRows: 0 }],
    ]);
    expect(pages.map((page) => page.recordBytes?.toString())).toEqual(['[{"id":1,"tags":["a","b"]},{"id":2}]', ' [ {"id":3} ]\n']);
    expect(pages.map((page) => page.records)).toEqual([[{ id: 1, tags: ["a", "b"] }, { id: 2 }], [{ id: 3 }]]);
    expect(pages[1]?.bodyText).toBe(' [ {"id":3} ]\n');
  });

  it("parses what the scan cannot count: malformed JSON fails on its page with its place, a body that is one record", async () => {
    server = await bodiesServer(['[{"id":1}]', '{"id":2}', '[{"id":3,}]']);
    const error = await rejectionOf(collectPages({ base_url: server.url, paginator: { type: "page_number" } }, { scanRecords: (bytes) => scanRecordArray(bytes, 10) }));
    expect(error.message).toBe(`malformed JSON from ${server.url}/?page=3 at line 1, column 10 (position 9)`);
    // No page after the malformed one was asked for.
    expect(server.requests).toHaveLength(3);
  });

  it("reads a paginator's path into a counted body", async () => {
    server = await startTestServer((request, response) => {
      const cursor = new URL(request.url, "http://x").searchParams.get("after");
      response.setHeader("content-type", "application/json");
      response.end(cursor === null ? '[{"id":1}]' : "[]");
    });
    // The cursor is the first record's id: the paginator parses the counted body to read it.
    const pages = await collectPages({ base_url: server.url, paginator: { type: "cursor", cursor_path: "0.id", cursor_param: "after" } }, { scanRecords: (bytes) => scanRecordArray(bytes, 10) });
    expect(pages.map((page) => page.count)).toEqual([1, 0]);
    expect(server.requests.map((r) => r.url)).toEqual(["/", "/?after=1"]);
  });
});
