import { afterEach, describe, expect, it } from "vitest";
import { scanRecordsAt } from "../normalize/json-scan";
import { fetchPages } from "./fetch-pages";
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
        scanRecords: (bytes, at) => {
          scanned.push(bytes.byteLength - at);
          return scanRecordsAt(bytes, at, 10);
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
    const error = await rejectionOf(collectPages({ base_url: server.url, paginator: { type: "page_number" } }, { scanRecords: (bytes, at) => scanRecordsAt(bytes, at, 10) }));
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
    const pages = await collectPages({ base_url: server.url, paginator: { type: "cursor", cursor_path: "0.id", cursor_param: "after" } }, { scanRecords: (bytes, at) => scanRecordsAt(bytes, at, 10) });
    expect(pages.map((page) => page.count)).toEqual([1, 0]);
    expect(server.requests.map((r) => r.url)).toEqual(["/", "/?after=1"]);
  });

  it("counts the array at data_path from its bytes, and reads the paginator's cursor there too, without parsing the body", async () => {
    const bodies = ['{"meta": {"next": "c2", "note": [1, {"x": 2}]}, "items": [{"id":1,"tags":["a"]},\n {"id":2}]}', '{"items": [], "meta": {"next": null}}'];
    server = await startTestServer((request, response) => {
      response.setHeader("content-type", "application/json");
      response.end(bodies[new URL(request.url, "http://x").searchParams.get("after") === null ? 0 : 1]);
    });
    const scanned: string[] = [];
    const pages = await collectPages(
      { base_url: server.url, data_path: "items", paginator: { type: "cursor", cursor_path: "meta.next", cursor_param: "after" } },
      {
        scanRecords: (bytes, at) => {
          const scan = scanRecordsAt(bytes, at, 10);
          scanned.push(Buffer.from(bytes).toString("utf8", at, scan?.end));
          return scan;
        },
      },
    );
    expect(server.requests.map((r) => r.url)).toEqual(["/", "/?after=c2"]);
    // Only the records' arrays were scanned, and kept as they came.
    expect(scanned).toEqual(['[{"id":1,"tags":["a"]},\n {"id":2}]', "[]"]);
    expect(pages.map((page) => [page.count, page.scan, page.recordBytes?.toString()])).toEqual([
      [2, { records: 2, childRows: 1 }, '[{"id":1,"tags":["a"]},\n {"id":2}]'],
      [0, { records: 0, childRows: 0 }, "[]"],
    ]);
    expect(pages[0]?.records).toEqual([{ id: 1, tags: ["a"] }, { id: 2 }]);
  });

  it("parses a wrapped body where the walk cannot take the records: one record at data_path, a name given twice, malformed JSON", async () => {
    server = await bodiesServer(['{"items": {"id": 1}}', '{"items": [{"id": 2}], "items": [{"id": 3}, {"id": 4}]}', '{"items": [{"id": 5}], "other": [1,]}']);
    const pages: { count: number; records: readonly unknown[]; recordBytes?: Buffer }[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const page of fetchPages({ base_url: server.url, data_path: "items", paginator: { type: "page_number" } }, { resolveSecret: () => undefined, scanRecords: (bytes, at) => scanRecordsAt(bytes, at, 10) })) pages.push(page);
      })(),
    );
    expect(pages.map((page) => [page.count, page.records, page.recordBytes?.toString()])).toEqual([
      [1, [{ id: 1 }], undefined],
      // JSON.parse keeps a name's last value: so does the walk.
      [2, [{ id: 3 }, { id: 4 }], '[{"id": 3}, {"id": 4}]'],
    ]);
    expect(error.message).toMatch(/^malformed JSON from .*page=3 at line 1, column 36/);
  });
});
