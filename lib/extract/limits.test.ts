// Issue 12, finding 11: a preview of a 200 MB page returned 206,000 rows and took 2.1 GB.
// A response is read a chunk at a time and stops at its cap (a server that never stops
// sending shows it: the read would otherwise never end); a sample stops inside a page; and
// previews share one server-wide budget of bytes in flight. Real servers, real DuckDB.
import type http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { ByteBudget } from "./budget";
import { collectPages, rejectionOf } from "./http/test-helpers";
import { sendJson, startTestServer, type TestServer } from "./http/test-server";
import { previewExtract, type PreviewRequest } from "./preview";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Sends a JSON array that never ends; `closed` turns true when the client hangs up. */
async function endlessServer(status = 200): Promise<{ url: string; closed: () => boolean }> {
  let closed = false;
  const row = Buffer.from(`{"id":1,"padding":"${"p".repeat(1000)}"},`);
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => row));
  server = await startTestServer((_request, response: http.ServerResponse) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.write("[");
    const pump = () => {
      while (!closed && response.write(chunk));
    };
    response.on("drain", pump);
    response.on("close", () => (closed = true));
    pump();
  });
  return { url: server.url, closed: () => closed };
}

function previewOf(baseUrl: string, overrides: Partial<PreviewRequest> = {}): ReturnType<typeof previewExtract> {
  return previewExtract({
    text: `\`\`\`extract big\nsource: rest\nbase_url: ${baseUrl}\nretries: { max_attempts: 1 }\ntimeout: 20\n\`\`\`\n`,
    file: "big.md",
    cell: "big",
    openWarehouse: () => openDuckDbWarehouse({ path: ":memory:" }),
    resolveSecret: () => undefined,
    ...overrides,
  });
}

describe("response size", () => {
  it("stops reading at the cap and hangs up, instead of waiting for the whole page", async () => {
    const api = await endlessServer();
    const error = await rejectionOf(collectPages({ base_url: api.url, timeout: 20, retries: { max_attempts: 3, backoff: 0.01 } }, { maxResponseBytes: 1024 * 1024 }));
    expect(error.message).toBe(`GET ${api.url}/: the response is larger than 1 MB, the most one response may be; ask for smaller pages (the paginator's size or limit)`);
    expect(server?.requests).toHaveLength(1); // not worth a retry
    await expect.poll(api.closed).toBe(true);
  });

  it("refuses a declared Content-Length over the cap before reading the body", async () => {
    server = await startTestServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": String(500 * 1024 * 1024) });
      response.write("[");
    });
    const error = await rejectionOf(collectPages({ base_url: server.url, timeout: 20 }, { maxResponseBytes: 1024 * 1024 }));
    expect(error.message).toMatch(/the response is larger than 1 MB/);
  });

  it("reads an error body only as far as its snippet needs", async () => {
    const api = await endlessServer(400);
    const error = await rejectionOf(collectPages({ base_url: api.url, timeout: 20 }));
    expect(error.message).toMatch(new RegExp(`^GET ${api.url}/ returned HTTP 400: \\[\\{"id":1,"padding":"p+…$`));
    await expect.poll(api.closed).toBe(true);
  });

  it("a preview reads at most 16 MB of one response", async () => {
    const api = await endlessServer();
    const result = await previewOf(api.url);
    expect(result).toMatchObject({ ok: false, reason: "failed", error: expect.stringContaining("the response is larger than 16 MB") });
    await expect.poll(api.closed).toBe(true);
  });
});

describe("sample rows", () => {
  it("a preview keeps the sample, not the whole page it came in", async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, Array.from({ length: 5_000 }, (_, id) => ({ id }))));
    expect(await previewOf(server.url, { sampleRows: 10 })).toMatchObject({ ok: true, rows: 10 });
  });
});

describe("the server-wide preview budget", () => {
  it("counts bytes taken, refuses what does not fit, and frees a lease's bytes once", () => {
    const budget = new ByteBudget(100);
    const first = budget.lease();
    const second = budget.lease();
    expect(first.take(60)).toBe(true);
    expect(second.take(50)).toBe(false);
    expect(second.refused).toBe(true);
    expect(first.refused).toBe(false);
    expect(budget.inUse).toBe(60);
    first.release();
    first.release();
    expect(budget.inUse).toBe(0);
    expect(first.take(1)).toBe(false); // a released lease takes nothing more
    expect(second.take(100)).toBe(true);
    expect(() => new ByteBudget(0)).toThrow(/positive integer/);
  });

  it("a preview that would exceed it while others hold it is busy; once they finish it runs", async () => {
    server = await startTestServer((_request, response) => sendJson(response, 200, Array.from({ length: 500 }, (_, id) => ({ id, name: `row ${id}` }))));
    const budget = new ByteBudget(64 * 1024);
    const other = budget.lease(); // another preview in flight
    expect(other.take(60 * 1024)).toBe(true);
    const busy = await previewOf(server.url, { budget });
    expect(busy).toEqual({
      ok: false,
      reason: "busy",
      error: `cell "big": GET ${server.url}/: the server is reading too many large preview responses at once; try again in a moment, or preview a smaller page (the paginator's size or limit)`,
    });
    expect(budget.inUse).toBe(60 * 1024); // the busy preview gave back what it took
    other.release();
    expect(await previewOf(server.url, { budget })).toMatchObject({ ok: true, rows: 500 });
    expect(budget.inUse).toBe(0);
  });
});
