import { afterEach, describe, expect, it } from "vitest";
import { ExtractHttpError } from "./errors";
import { collectPages, recordingSleep, rejectionOf } from "./test-helpers";
import { sendJson, startTestServer, type TestHandler, type TestServer } from "./test-server";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
async function serve(handler: TestHandler): Promise<TestServer> {
  server = await startTestServer(handler);
  return server;
}

/** Answers `failures` in turn, then `[ "ok" ]`. */
function failThen(failures: { status: number; headers?: Record<string, string>; body?: string }[]): TestHandler {
  let calls = 0;
  return (_request, response) => {
    const failure = failures[calls++];
    if (failure === undefined) return sendJson(response, 200, ["ok"]);
    response.writeHead(failure.status, failure.headers ?? {});
    response.end(failure.body ?? "");
  };
}

const fastRetries = { max_attempts: 3, backoff: 0.01 };

describe("retries", () => {
  it("429 with Retry-After in seconds waits what the server asked", async () => {
    const api = await serve(failThen([{ status: 429, headers: { "retry-after": "2" } }]));
    const { sleep, waits } = recordingSleep();
    const pages = await collectPages({ base_url: api.url, retries: fastRetries }, { sleep });
    expect(pages[0]?.records).toEqual(["ok"]);
    expect(waits).toEqual([2000]);
    expect(api.requests).toHaveLength(2);
  });

  it("caps a long Retry-After", async () => {
    const api = await serve(failThen([{ status: 503, headers: { "retry-after": "3600" } }]));
    const { sleep, waits } = recordingSleep();
    await collectPages({ base_url: api.url, retries: fastRetries }, { sleep, maxRetryAfterSeconds: 5 });
    expect(waits).toEqual([5000]);
  });

  it("500s then success: retried with exponential backoff and full jitter", async () => {
    const api = await serve(failThen([{ status: 500 }, { status: 502 }]));
    const { sleep, waits } = recordingSleep();
    const pages = await collectPages({ base_url: api.url, retries: fastRetries }, { sleep, random: () => 0.5 });
    expect(pages[0]?.records).toEqual(["ok"]);
    expect(api.requests).toHaveLength(3);
    expect(waits).toEqual([5, 10]); // 0.5 × 10 ms × 2^retry
  });

  it("gives up after max_attempts, naming the URL, the attempts and the last status", async () => {
    const api = await serve(failThen(Array(5).fill({ status: 503, body: "down for maintenance" })));
    const error = await rejectionOf(collectPages({ base_url: api.url, path: "items", retries: fastRetries }));
    expect(error).toBeInstanceOf(ExtractHttpError);
    expect(error).toMatchObject({ status: 503, attempts: 3, url: `${api.url}/items` });
    expect(error.message).toBe(
      `GET ${api.url}/items failed after 3 attempts; last error: HTTP 503 Service Unavailable: down for maintenance`,
    );
    expect(api.requests).toHaveLength(3);
  });

  it("does not retry a 404: one request, an error with the status and a body snippet", async () => {
    const api = await serve(failThen([{ status: 404, body: '{"error":"no such thing"}' }]));
    const error = await rejectionOf(collectPages({ base_url: api.url, path: "nope", retries: fastRetries }));
    expect(error).toMatchObject({ status: 404, attempts: 1 });
    expect(error.message).toBe(`GET ${api.url}/nope returned HTTP 404: {"error":"no such thing"}`);
    expect(api.requests).toHaveLength(1);
  });

  it("a server that never answers times out, is retried, then fails", async () => {
    const api = await serve(() => {}); // never responds
    const error = await rejectionOf(
      collectPages({ base_url: api.url, timeout: 0.2, retries: { max_attempts: 2, backoff: 0.001 } }),
    );
    expect(error).toMatchObject({ attempts: 2, status: undefined });
    expect(error.message).toContain("failed after 2 attempts; last error: timed out after 0.2 s");
    expect(api.requests).toHaveLength(2);
  });

  it("a refused connection is a retried network error", async () => {
    const closed = await startTestServer(() => {});
    await closed.close();
    const error = await rejectionOf(collectPages({ base_url: closed.url, retries: fastRetries }));
    expect(error).toMatchObject({ attempts: 3 });
    expect(error.message).toContain("last error: ECONNREFUSED");
  });

  it("a caller's abort stops at once, without retrying", async () => {
    const api = await serve(() => {});
    const controller = new AbortController();
    const pending = collectPages({ base_url: api.url, retries: fastRetries }, { signal: controller.signal });
    while (api.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    controller.abort(new Error("cancelled by user"));
    const error = await rejectionOf(pending);
    expect(error.message).toBe("cancelled by user");
    expect(api.requests).toHaveLength(1);
  });
});

describe("redirects", () => {
  it("follows a redirect within the origin, keeping the credentials", async () => {
    const api = await serve((request, response) => {
      if (request.url.startsWith("/old")) {
        response.writeHead(301, { location: "/new" });
        return void response.end();
      }
      sendJson(response, 200, ["moved"]);
    });
    const pages = await collectPages({
      base_url: api.url,
      path: "old",
      auth: { type: "api_key", name: "x-key", value: "k" },
    });
    expect(pages[0]?.records).toEqual(["moved"]);
    expect(api.requests.map((request) => [request.url, request.headers["x-key"]])).toEqual([
      ["/old", "k"],
      ["/new", "k"],
    ]);
  });

  it("refuses a redirect to another origin: the credentials never leave", async () => {
    const elsewhere = await startTestServer((_request, response) => sendJson(response, 200, []));
    try {
      const api = await serve((_request, response) => {
        response.writeHead(302, { location: `${elsewhere.url}/steal` });
        response.end();
      });
      const error = await rejectionOf(
        collectPages({ base_url: api.url, auth: { type: "api_key", name: "x-key", value: "k" }, retries: fastRetries }),
      );
      expect(error).toMatchObject({ attempts: 1 });
      expect(error.message).toContain(`a redirect to ${elsewhere.url}/steal (only redirects within the same origin are followed)`);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("bad responses", () => {
  const SECRET = "sup3r/secret key";
  const resolveSecret = (name: string) => (name === "KEY" ? SECRET : undefined);
  const withKeyInQuery = (url: string) => ({
    base_url: url,
    path: "items",
    auth: { type: "api_key" as const, name: "key", value: "secret:KEY", in: "query" as const },
  });

  it("malformed JSON names the redacted URL and the position, never the secret", async () => {
    const api = await serve((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end('{"data": [1, 2,]\n}');
    });
    const error = await rejectionOf(collectPages({ ...withKeyInQuery(api.url), data_path: "data" }, { resolveSecret }));
    expect(api.requests[0]?.url).toBe("/items?key=sup3r%2Fsecret+key");
    expect(error).toBeInstanceOf(ExtractHttpError);
    expect(error.message).toBe(`malformed JSON from ${api.url}/items?key=*** at line 1, column 16 (position 15)`);
    expect(error).toMatchObject({ url: `${api.url}/items?key=***` });
  });

  it("a 4xx error with a secret in the URL and echoed in the body is redacted", async () => {
    const api = await serve((request, response) => sendJson(response, 403, { denied: request.url, raw: SECRET }));
    const error = await rejectionOf(collectPages(withKeyInQuery(api.url), { resolveSecret }));
    expect(error.message).toContain("returned HTTP 403");
    expect(error.message).not.toContain("sup3r");
    expect(error.message).toContain(`${api.url}/items?key=***`);
  });

  it("data_path missing, or neither a record nor records: clear errors", async () => {
    const api = await serve((_request, response) => sendJson(response, 200, { results: { items: { id: 1 }, total: 3 } }));
    const missing = await rejectionOf(collectPages({ base_url: api.url, data_path: "data.items" }));
    expect(missing.message).toBe(`data_path "data.items" not found in the response from ${api.url}/`);
    const scalar = await rejectionOf(collectPages({ base_url: api.url, data_path: "results.total" }));
    expect(scalar.message).toBe(`data_path "results.total" is a number, not a record or an array of records, in the response from ${api.url}/`);
  });

  it("a body that is one object is one record, as dlt loads it; so is an object at data_path", async () => {
    const api = await serve((request, response) => sendJson(response, 200, request.url === "/text" ? "not records" : { athlete: 7, totals: { runs: 12, km: 84.5 } }));
    expect((await collectPages({ base_url: api.url })).flatMap((p) => p.records)).toEqual([{ athlete: 7, totals: { runs: 12, km: 84.5 } }]);
    expect((await collectPages({ base_url: api.url, data_path: "totals" })).flatMap((p) => p.records)).toEqual([{ runs: 12, km: 84.5 }]);
    const error = await rejectionOf(collectPages({ base_url: api.url, path: "/text" }));
    expect(error.message).toBe(`the response from ${api.url}/text is a string, not a record or an array of records; set data_path to where the records are`);
  });
});
