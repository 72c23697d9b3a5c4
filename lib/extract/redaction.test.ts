// Issue 12, finding 5: secret values reached production run logs. A production run (the
// engine's extractRunner, what lib/runs calls) and a preview share one redactor fed every
// value they resolve, applied to the failure reason (what the run log records) and to the
// records (what the warehouse keeps and the preview answers). Real servers, real DuckDB.
import { afterEach, describe, expect, it } from "vitest";
import { extractRunner } from "../engine/extract-runner";
import { parseNotebook } from "../notebook";
import type { ExtractCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { SecretResolver } from "./http";
import { queryOf, sendJson, startTestServer, type TestHandler, type TestServer } from "./http/test-server";
import { previewExtract } from "./preview";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7redact\n-----END PRIVATE KEY-----\n";
const PADDED = "  tok-padded-51c0e2  \n";
const KEY = "key-reflected-0a9b8c7d";
const LONG = `long-${"x9".repeat(150)}-end`; // longer than an error snippet

const secrets: SecretResolver = (name) => ({ PEM_KEY: PEM, PADDED_TOKEN: PADDED, API_KEY: KEY, LONG_KEY: LONG })[name];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function cellOf(config: string): ExtractCell {
  const parsed = parseNotebook(`\`\`\`extract things\nsource: rest\n${config}\nretries: { max_attempts: 1 }\n\`\`\`\n`, "things.md");
  const cell = parsed.notebook?.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!cell) throw new Error(`no extract cell: ${JSON.stringify(parsed.ok ? [] : parsed.issues)}`);
  return cell;
}

/** A production attempt: the failure reason is what the run log records; the rows what viewers read. */
async function production(config: string): Promise<{ reason: string | null; rows: Record<string, unknown>[] }> {
  const warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  try {
    const result = await extractRunner({ resolveSecret: secrets })(cellOf(config), warehouse, undefined);
    if (!result.ok) return { reason: result.reason, rows: [] };
    return { reason: null, rows: await warehouse.query("select * from things order by id") };
  } finally {
    await warehouse.close();
  }
}

async function preview(config: string): Promise<{ reason: string | null; text: string }> {
  const text = `\`\`\`extract things\nsource: rest\n${config}\nretries: { max_attempts: 1 }\n\`\`\`\n`;
  const result = await previewExtract({ text, file: "things.md", cell: "things", openWarehouse: () => openDuckDbWarehouse({ path: ":memory:" }), resolveSecret: secrets });
  if (!result.ok) return { reason: result.error, text: result.error };
  return { reason: null, text: Buffer.from(result.ipc).toString("latin1") };
}

async function serve(handler: TestHandler): Promise<string> {
  server = await startTestServer(handler);
  return server.url;
}

const leaks = (text: string) =>
  ["MIIEvQIBADANBgkq", "tok-padded-51c0e2", KEY, Buffer.from(KEY).toString("base64"), "x9x9x9x9"].filter((fragment) => text.includes(fragment));

describe("one redactor for production runs and previews", () => {
  it("a secret with a line break in a header fails naming the secret, never the value, before any request", async () => {
    const url = await serve((_request, response) => sendJson(response, 200, []));
    const expected = 'cell "things": headers.x_key: secret PEM_KEY contains a line break or NUL, which an HTTP header cannot carry';
    for (const config of [`base_url: ${url}\nheaders: { x_key: secret:PEM_KEY }`, `base_url: ${url}\nauth: { type: bearer, token: secret:PEM_KEY }`]) {
      const run = await production(config);
      const shown = await preview(config);
      expect(leaks(`${run.reason} ${shown.reason}`)).toEqual([]);
      expect(run.reason).toMatch(/secret PEM_KEY contains a line break or NUL, which an HTTP header cannot carry$/);
      expect(shown.reason).toBe(run.reason);
    }
    expect((await production(`base_url: ${url}\nheaders: { x_key: secret:PEM_KEY }`)).reason).toBe(expected);
    expect(server?.requests).toHaveLength(0);
  });

  it("an error body that echoes a padded secret trimmed (as Headers sent it) is redacted", async () => {
    const url = await serve((request, response) => sendJson(response, 401, { error: `invalid token ${String(request.headers.authorization).slice("Bearer ".length)}` }));
    const config = `base_url: ${url}\nauth: { type: bearer, token: secret:PADDED_TOKEN }`;
    for (const outcome of [await production(config), await preview(config)]) {
      expect(outcome.reason).toMatch(/returned HTTP 401: \{"error":"invalid token \*\*\*"\}$/);
      expect(leaks(String(outcome.reason))).toEqual([]);
    }
  });

  it("an error body is redacted before it is cut to a snippet, so half a long secret does not survive", async () => {
    const url = await serve((request, response) => sendJson(response, 400, { error: `bad key ${queryOf(request).get("key") ?? ""}` }));
    const config = `base_url: ${url}\nparams: { key: secret:LONG_KEY }`;
    for (const outcome of [await production(config), await preview(config)]) {
      expect(outcome.reason).toBe(`cell "things": GET ${url}/?key=*** returned HTTP 400: {"error":"bad key ***"}`);
    }
  });

  it("a key the API reflects in its records (raw, URL-encoded or base64) is neither stored nor shown", async () => {
    const url = await serve((request, response) => {
      const key = queryOf(request).get("api_key") ?? "";
      sendJson(response, 200, [
        { id: 1, self: `http://api.example/things/1?api_key=${encodeURIComponent(key)}`, echo: { key }, token: Buffer.from(key).toString("base64") },
        { id: 2, self: "http://api.example/things/2" },
      ]);
    });
    const config = `base_url: ${url}\nauth: { type: api_key, name: api_key, value: secret:API_KEY, in: query }\nprimary_key: id`;
    const run = await production(config);
    expect(run.reason).toBeNull();
    expect(run.rows).toEqual([
      { id: 1, self: "http://api.example/things/1?api_key=***", echo__key: "***", token: "***" },
      { id: 2, self: "http://api.example/things/2", echo__key: null, token: null },
    ]);
    const shown = await preview(config);
    expect(shown.reason).toBeNull();
    expect(leaks(shown.text)).toEqual([]);
    expect(shown.text).toContain("api_key=***");
  });
});
