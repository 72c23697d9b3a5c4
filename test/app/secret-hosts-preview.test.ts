// The extract preview route resolves the workspace's secrets, bound to their allowed hosts:
// an editor who points a cell at another server gets a 422 naming the cell, field, secret
// and host, and that server never sees a request. Real route handler, real HTTP servers.
// (The catalog side runs on both stores in lib/extract/secret-hosts.test.ts.)
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setSecret } from "@/lib/catalog";
import { sendJson, startTestServer, type TestServer } from "@/lib/extract/http/test-server";
import type { AppContext } from "@/app/_lib/server-context";
import { editorToken } from "./runs-flow";

const TOKEN = "preview-route-token-41c2";
let dir: string;
let context: AppContext;
let token: string;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-preview-hosts-"));
  delete process.env.DATABASE_URL;
  Object.assign(process.env, {
    ASSETBOOK_CATALOG_DIR: "memory://secret-hosts-preview",
    ASSETBOOK_NOTEBOOKS_DIR: dir,
    ASSETBOOK_AUTH_SECRET: "preview-hosts-secret-".padEnd(48, "p"),
    ASSETBOOK_SECRET_KEY: "e".repeat(64),
  });
  const { appContext } = await import("@/app/_lib/server-context");
  context = await appContext();
  token = await editorToken(context);
  const answer = (_request: unknown, response: Parameters<typeof sendJson>[0]) => sendJson(response, 200, [{ id: 1 }, { id: 2 }]);
  [a, b] = await Promise.all([startTestServer(answer), startTestServer(answer)]);
});

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await context?.store.close();
  await rm(dir, { recursive: true, force: true });
});

async function preview(baseUrl: string, extra = ""): Promise<{ status: number; text: string }> {
  const { POST } = await import("@/app/api/notebooks/[slug]/cells/[cell]/preview/route");
  const text = `\`\`\`extract activities\nsource: rest\nbase_url: ${baseUrl}\nauth: { type: bearer, token: secret:FITNESS_TOKEN }\n${extra}\`\`\`\n`;
  const request = new Request("http://app.test/api/notebooks/rides/cells/activities/preview", {
    method: "POST",
    headers: { host: "app.test", authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  const response = await POST(request, { params: Promise.resolve({ slug: "rides", cell: "activities" }) });
  return { status: response.status, text: await response.text() };
}

describe("extract preview route with a workspace secret bound to a host", () => {
  it("previews against the allowed host, refuses another before any request to it", async () => {
    const hostA = new URL(a.url).host;
    await setSecret(context.db, context.secretKey, { workspaceId: context.workspaceId, name: "FITNESS_TOKEN", value: TOKEN, allowedHosts: [hostA], actorId: null });

    const allowed = await preview(a.url);
    expect(allowed.status, allowed.text).toBe(200);
    expect(a.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`]);

    const refused = await preview(b.url);
    expect(refused.status).toBe(422);
    expect(JSON.parse(refused.text)).toEqual({
      error: `cell "activities": auth.token: secret FITNESS_TOKEN may not be sent to ${new URL(b.url).host} (allowed: ${hostA})`,
      cell: "activities",
    });
    expect(refused.text).not.toContain(TOKEN);
    expect(b.requests).toHaveLength(0);
  });
});

// Issue 12, finding 4: the route goes through the operator's outbound policy (here the
// development default: loopback allowed, metadata and link-local never).
describe("extract preview route and the outbound policy", () => {
  it("refuses a cloud metadata address, in any spelling, and still previews a loopback API", async () => {
    // A secret that may go anywhere: only the outbound policy stands in the way.
    await setSecret(context.db, context.secretKey, { workspaceId: context.workspaceId, name: "FITNESS_TOKEN", value: TOKEN, allowedHosts: [], actorId: null });
    for (const url of ["http://169.254.169.254/latest/meta-data/", "http://2852039166/", "http://[fd00:ec2::254]/"]) {
      const refused = await preview(url);
      expect(refused.status, url).toBe(422);
      expect(JSON.parse(refused.text), url).toMatchObject({ cell: "activities", error: expect.stringMatching(/is a cloud metadata address, which is never allowed$/) });
    }
    const loopback = await preview(`http://127.1:${new URL(a.url).port}`);
    expect(loopback.status, loopback.text).toBe(200);
  });
});

describe("extract preview route and custom checks", () => {
  it("refuses a check that is not one SELECT before any request, naming the cell and the check's line", async () => {
    const before = a.requests.length;
    const injected = await preview(a.url, 'checks:\n  - check sneaky: "select 1) as x; copy (select 1) to \'/tmp/x.csv\'; select * from (select 1"\n');
    expect(injected.status).toBe(422);
    expect(JSON.parse(injected.text)).toMatchObject({ cell: "activities", error: expect.stringMatching(/^rides\.md:6:1 cell "activities": checks: check sneaky: SQL: expected one SELECT statement/) });
    expect(a.requests.length).toBe(before);
  });
});
