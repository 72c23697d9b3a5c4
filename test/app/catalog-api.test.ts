// The API end to end through the real route handlers on an embedded store: first-run
// setup, sign-in, the role matrix over HTTP, share links (hash only, 404 after revoke
// and expiry, refused on writes) and secrets that never come back out.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { BAD_API_TOKEN } from "@/lib/auth";
import { hashShareToken, verifyShareLink } from "@/lib/catalog";
import type { AppContext } from "@/app/_lib/server-context";
import { apiHandlers, key, PUBLIC_ROUTES, type ApiHandler } from "./api-routes";

const SECRET_VALUE = "sk_live_7f3a9c1e-do-not-leak";
const PASSWORD = "a long enough password";
const seen: string[] = [];
let context: AppContext;
let handlers: ApiHandler[];
let setupToken = "";
const logs: string[] = [];

function capture(...args: unknown[]) {
  logs.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === "string" ? a : JSON.stringify(a))).join(" "));
}

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  process.env.ASSETBOOK_CATALOG_DIR = "memory://api";
  process.env.ASSETBOOK_AUTH_SECRET = "api-secret-".padEnd(48, "y");
  process.env.ASSETBOOK_SECRET_KEY = "b".repeat(64);
  for (const level of ["log", "warn", "error", "info", "debug"] as const) vi.spyOn(console, level).mockImplementation(capture);
  const { appContext } = await import("@/app/_lib/server-context");
  context = await appContext();
  handlers = await apiHandlers();
  const printed = logs.find((l) => l.includes("/setup?token="));
  setupToken = /\/setup\?token=([A-Za-z0-9_-]+)/.exec(printed ?? "")?.[1] ?? "";
  // A link a person can open from the log: with its host.
  expect(printed).toMatch(/ at https?:\/\/[^/\s]+\/setup\?token=/);
});

afterAll(async () => {
  await context?.store.close();
});

function find(method: string, file: string): ApiHandler {
  const h = handlers.find((x) => key(x) === `${method} app/api/${file}`);
  if (!h) throw new Error(`no ${method} ${file}`);
  return h;
}

type CallOptions = { cookie?: string; body?: unknown; params?: Record<string, string>; headers?: Record<string, string>; query?: string; bearer?: string };

async function call(method: string, file: string, options: CallOptions = {}) {
  const h = find(method, file);
  // A bearer request is what a script sends: no Origin, no cookie.
  const credentials: Record<string, string> = options.bearer === undefined ? { origin: "http://app.test", ...(options.cookie ? { cookie: options.cookie } : {}) } : { authorization: `Bearer ${options.bearer}` };
  const request = new Request(`${h.url}${options.query ?? ""}`, {
    method,
    headers: { host: "app.test", "content-type": "application/json", ...credentials, ...options.headers },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const response = await h.handler(request, { params: Promise.resolve(options.params ?? h.params) });
  const text = await response.text();
  seen.push(text, JSON.stringify([...response.headers]));
  return { status: response.status, text, json: (): unknown => JSON.parse(text), cookie: response.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ") };
}

const cookies: Record<"owner" | "editor" | "viewer", string> = { owner: "", editor: "", viewer: "" };

describe("API flow", () => {
  it("prints the setup link once and has no account before setup", async () => {
    expect(setupToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await context.db.user.count()).toBe(0);
  });

  it("setup makes the owner and signs them in; the link then stops working", async () => {
    const wrong = await call("POST", "setup/route.ts", { body: { token: "nope", email: "o@example.com", name: "O", password: PASSWORD } });
    expect(wrong.status).toBe(403);
    const ok = await call("POST", "setup/route.ts", { body: { token: setupToken, email: "o@example.com", name: "Owner", password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.cookie).toMatch(/session_token=/);
    expect(ok.text).not.toMatch(/token/i);
    cookies.owner = ok.cookie;
    const again = await call("POST", "setup/route.ts", { body: { token: setupToken, email: "x@example.com", name: "X", password: PASSWORD } });
    expect(again.status).toBe(403);
  });

  it("sign-in: 401 on a wrong password, a session cookie otherwise", async () => {
    expect((await call("POST", "session/route.ts", { body: { email: "o@example.com", password: "wrong password" } })).status).toBe(401);
    const ok = await call("POST", "session/route.ts", { body: { email: "o@example.com", password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect(ok.cookie).toMatch(/session_token=/);
  });

  it("owners add members; each signs in with their role", async () => {
    for (const role of ["editor", "viewer"] as const) {
      const added = await call("POST", "members/route.ts", { cookie: cookies.owner, body: { email: `${role}@example.com`, name: role, password: PASSWORD, role } });
      expect(added.status).toBe(201);
      cookies[role] = (await call("POST", "session/route.ts", { body: { email: `${role}@example.com`, password: PASSWORD } })).cookie;
    }
  });

  it("role matrix over HTTP: every role on every role-gated endpoint", async () => {
    const cells: [string, string, unknown, Record<"owner" | "editor" | "viewer", boolean>][] = [
      ["GET", "catalog/assets/route.ts", undefined, { viewer: true, editor: true, owner: true }],
      ["POST", "share-links/route.ts", { target: "catalog" }, { viewer: false, editor: true, owner: true }],
      ["GET", "share-links/route.ts", undefined, { viewer: false, editor: true, owner: true }],
      ["PUT", "secrets/route.ts", { name: "MATRIX", value: "v" }, { viewer: false, editor: false, owner: true }],
      ["GET", "secrets/route.ts", undefined, { viewer: false, editor: false, owner: true }],
      ["GET", "members/route.ts", undefined, { viewer: false, editor: false, owner: true }],
      ["POST", "notebooks/route.ts", { title: "" }, { viewer: false, editor: true, owner: true }],
      ["POST", "tokens/route.ts", { name: "matrix" }, { viewer: true, editor: true, owner: true }],
      ["GET", "tokens/route.ts", undefined, { viewer: true, editor: true, owner: true }],
      ["GET", "concurrency-limits/route.ts", undefined, { viewer: true, editor: true, owner: true }],
      ["PUT", "concurrency-limits/route.ts", { scope: "tag", tag: "matrix", limit: 2 }, { viewer: false, editor: false, owner: true }],
      ["DELETE", "concurrency-limits/route.ts", { scope: "tag", tag: "matrix" }, { viewer: false, editor: false, owner: true }],
    ];
    for (const [method, file, body, allowed] of cells) {
      for (const role of ["viewer", "editor", "owner"] as const) {
        const { status } = await call(method, file, { cookie: cookies[role], body });
        // Allowed: past authorization (2xx, or 400 for the deliberately invalid notebook title).
        if (allowed[role]) expect([200, 201, 400], `${role} ${method} ${file}`).toContain(status);
        else expect(status, `${role} ${method} ${file}`).toBe(403);
      }
    }
  });

  it("the catalog lists the notebooks' assets", async () => {
    const answer = await call("GET", "catalog/assets/route.ts", { cookie: cookies.viewer });
    const body = answer.json();
    expect(JSON.stringify(body)).toContain("daily_distance");
  });

  it("share links: only the hash is stored; revoked and expired links are gone; writes refuse them", async () => {
    const created = await call("POST", "share-links/route.ts", { cookie: cookies.editor, body: { target: "asset", asset: "daily_distance", allowSamples: false } });
    expect(created.status).toBe(201);
    const body = created.json();
    if (!(typeof body === "object" && body !== null && "url" in body && typeof body.url === "string" && "id" in body && typeof body.id === "string")) throw new Error("bad answer");
    const token = body.url.replace("/share/", "");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await context.db.shareLink.findUniqueOrThrow({ where: { id: body.id } });
    expect(row.tokenHash).toBe(hashShareToken(token));
    expect(JSON.stringify(await context.db.shareLink.findMany())).not.toContain(token);
    expect(JSON.stringify(await context.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(token);
    expect(await verifyShareLink(context.db, token)).not.toBeNull();

    // The token opens no write or run endpoint, even next to an owner's session.
    for (const h of handlers) {
      if (PUBLIC_ROUTES.has(key(h)) || h.method === "GET" || h.method === "HEAD") continue;
      const refused = await call(h.method, h.file.replace("app/api/", ""), { cookie: cookies.owner, headers: { authorization: `Share ${token}` }, body: {} });
      expect(refused.status, key(h)).toBe(403);
    }
    const listed = await call("GET", "share-links/route.ts", { cookie: cookies.editor });
    expect(listed.text).not.toContain(token);
    expect(listed.text).not.toContain(row.tokenHash);

    // Expiry: 404 from the moment it passes.
    const expiring = await call("POST", "share-links/route.ts", { cookie: cookies.owner, body: { target: "lineage", expiresInHours: 1 } });
    const expiringBody = expiring.json();
    if (!(typeof expiringBody === "object" && expiringBody !== null && "url" in expiringBody && typeof expiringBody.url === "string")) throw new Error("bad answer");
    const expToken = expiringBody.url.replace("/share/", "");
    expect(await verifyShareLink(context.db, expToken, new Date(Date.now() + 59 * 60_000))).not.toBeNull();
    expect(await verifyShareLink(context.db, expToken, new Date(Date.now() + 61 * 60_000))).toBeNull();

    // Revoke: gone on the very next request; a viewer cannot revoke.
    expect((await call("DELETE", "share-links/[id]/route.ts", { cookie: cookies.viewer, params: { id: body.id } })).status).toBe(403);
    expect((await call("DELETE", "share-links/[id]/route.ts", { cookie: cookies.editor, params: { id: body.id } })).status).toBe(200);
    expect(await verifyShareLink(context.db, token)).toBeNull();
    expect((await call("DELETE", "share-links/[id]/route.ts", { cookie: cookies.editor, params: { id: body.id } })).status).toBe(404);
  });

  it("API tokens: the member's current role, no CSRF Origin needed, cannot mint tokens, 401 once revoked, never logged", async () => {
    const created = await call("POST", "tokens/route.ts", { cookie: cookies.editor, body: { name: "deploy", expiresInDays: 30 } });
    expect(created.status).toBe(201);
    const answer = created.json();
    if (!(typeof answer === "object" && answer !== null && "token" in answer && typeof answer.token === "string" && "id" in answer && typeof answer.id === "string")) throw new Error("bad answer");
    const { token, id } = answer;
    expect(token).toMatch(/^ab_[A-Za-z0-9_-]{43}$/);

    expect((await call("GET", "catalog/assets/route.ts", { bearer: token })).status).toBe(200);
    // Past authorization without an Origin header (this test runs no workers: 503).
    const triggered = await call("POST", "runs/route.ts", { bearer: token, body: { notebook: "shop", trigger: "cli" } });
    expect(triggered.status, triggered.text).toBe(503);
    const notCli = await call("POST", "runs/route.ts", { cookie: cookies.editor, body: { notebook: "shop", trigger: "cli" } });
    expect(notCli.status).toBe(400);
    expect(notCli.json()).toMatchObject({ fields: { "body.trigger": [expect.stringContaining("API token")] } });
    expect((await call("PUT", "secrets/route.ts", { bearer: token, body: { name: "NOPE", value: "v" } })).status).toBe(403);
    expect((await call("POST", "tokens/route.ts", { bearer: token, body: { name: "minted" } })).status).toBe(403);

    // The role is read on every request: demoted, the token loses the run endpoint.
    const editorId = (await context.db.user.findUniqueOrThrow({ where: { email: "editor@example.com" } })).id;
    const setRole = (role: "viewer" | "editor") => context.db.member.update({ where: { workspaceId_userId: { workspaceId: context.workspaceId, userId: editorId } }, data: { role } });
    await setRole("viewer");
    expect((await call("POST", "runs/route.ts", { bearer: token, body: { notebook: "shop", trigger: "cli" } })).status).toBe(403);
    await setRole("editor");

    const mine = await call("GET", "tokens/route.ts", { cookie: cookies.editor });
    expect(mine.text).toContain("deploy");
    const hash = (await context.db.apiToken.findUniqueOrThrow({ where: { id } })).tokenHash;
    expect(mine.text).not.toContain(hash);
    expect((await call("GET", "tokens/route.ts", { cookie: cookies.viewer })).text).not.toContain("deploy");
    expect((await call("GET", "tokens/route.ts", { cookie: cookies.editor, query: "?scope=workspace" })).status).toBe(403);
    const all = await call("GET", "tokens/route.ts", { cookie: cookies.owner, query: "?scope=workspace" });
    expect(all.status).toBe(200);
    expect(all.text).toContain("deploy");

    // Someone else's token looks like none; the owner may revoke anyone's.
    expect((await call("DELETE", "tokens/[id]/route.ts", { cookie: cookies.viewer, params: { id } })).status).toBe(404);
    expect((await call("DELETE", "tokens/[id]/route.ts", { cookie: cookies.owner, params: { id } })).status).toBe(200);
    expect(await call("GET", "catalog/assets/route.ts", { bearer: token })).toMatchObject({ status: 401, text: JSON.stringify({ error: BAD_API_TOKEN }) });

    const audit = JSON.stringify(await context.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    expect(audit).toContain("api_token.revoke");
    for (const [where, text] of [["logs", logs.join("\n")], ["audit", audit], ["responses after creation", seen.filter((t) => t !== created.text).join("\n")]] as const) {
      expect(text.includes(token), where).toBe(false);
    }
  });

  it("concurrency limits: owners set and remove them (audited), bad input is a 400 naming the field, members see the use", async () => {
    const bad = await call("PUT", "concurrency-limits/route.ts", { cookie: cookies.owner, body: { scope: "tag", tag: "not ok", limit: 0 } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ fields: { "body.tag": ["a tag is letters, digits, _ . : -"], "body.limit": ["a limit is at least 1"] } });
    expect((await call("PUT", "concurrency-limits/route.ts", { cookie: cookies.owner, body: { scope: "workspace", limit: 3 } })).status).toBe(200);
    expect((await call("PUT", "concurrency-limits/route.ts", { cookie: cookies.owner, body: { scope: "tag", tag: "heavy", limit: 2 } })).status).toBe(200);
    const listed = await call("GET", "concurrency-limits/route.ts", { cookie: cookies.viewer });
    expect(listed.json()).toEqual({
      limits: [
        { scope: "workspace", name: "", pool: "workspace", limit: 3, inUse: 0 },
        { scope: "tag", name: "heavy", pool: "tag:heavy", limit: 2, inUse: 0 },
      ],
    });
    expect((await call("DELETE", "concurrency-limits/route.ts", { cookie: cookies.owner, body: { scope: "tag", tag: "heavy" } })).status).toBe(200);
    expect((await call("DELETE", "concurrency-limits/route.ts", { cookie: cookies.owner, body: { scope: "tag", tag: "heavy" } })).status).toBe(404);
    const audit = await context.db.auditEntry.findMany({ where: { targetType: "concurrency_limit" }, orderBy: { id: "asc" }, select: { action: true, targetId: true } });
    expect(audit.slice(-3)).toEqual([
      { action: "concurrency_limit.set", targetId: "workspace" },
      { action: "concurrency_limit.set", targetId: "tag:heavy" },
      { action: "concurrency_limit.delete", targetId: "tag:heavy" },
    ]);
  });

  it("secrets: owners set allowed hosts with or without a value (audited, no value); a bad host is a 400 naming the field", async () => {
    const put = (body: unknown) => call("PUT", "secrets/route.ts", { cookie: cookies.owner, body });
    const bad = await put({ name: "HOSTED", value: SECRET_VALUE, allowedHosts: ["api.example.com", "https://attacker.example/"] });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ fields: { "body.allowedHosts.1": [expect.stringContaining('"https://attacker.example/" is not a host')] } });
    expect(await context.db.secret.count({ where: { name: "HOSTED" } })).toBe(0);
    expect((await put({ name: "HOSTED" })).status).toBe(400);
    expect((await put({ name: "UNKNOWN", allowedHosts: ["a.example.com"] })).status).toBe(404);

    expect((await put({ name: "HOSTED", value: SECRET_VALUE, allowedHosts: ["API.example.com", "127.0.0.1:4010"] })).status).toBe(200);
    expect((await put({ name: "HOSTED", allowedHosts: ["*.example.com"] })).status).toBe(200);
    const listed = await call("GET", "secrets/route.ts", { cookie: cookies.owner });
    expect(listed.json()).toMatchObject({ secrets: expect.arrayContaining([expect.objectContaining({ name: "HOSTED", allowedHosts: ["*.example.com"] })]) });
    const audit = await context.db.auditEntry.findMany({ where: { targetType: "secret", targetId: "HOSTED" }, orderBy: { id: "asc" }, select: { action: true, data: true } });
    expect(audit).toEqual([
      { action: "secret.set", data: { allowedHosts: ["api.example.com", "127.0.0.1:4010"] } },
      { action: "secret.allowed_hosts", data: { allowedHosts: ["*.example.com"], previous: ["api.example.com", "127.0.0.1:4010"] } },
    ]);
  });

  it("a secret's value never appears in responses, logs, the audit log or the stored row", async () => {
    expect((await call("PUT", "secrets/route.ts", { cookie: cookies.owner, body: { name: "FITNESS_TOKEN", value: SECRET_VALUE } })).status).toBe(200);
    const listed = await call("GET", "secrets/route.ts", { cookie: cookies.owner });
    expect(listed.text).toContain("FITNESS_TOKEN");
    const { resolveSecret } = await import("@/lib/catalog");
    expect(await resolveSecret(context.db, context.secretKey, context.workspaceId, "FITNESS_TOKEN")).toBe(SECRET_VALUE);
    const stored = JSON.stringify(await context.db.secret.findMany(), (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v));
    const audit = JSON.stringify(await context.db.auditEntry.findMany(), (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
    for (const [where, text] of [["responses", seen.join("\n")], ["logs", logs.join("\n")], ["audit", audit], ["stored row", stored]] as const) {
      expect(text.includes(SECRET_VALUE), where).toBe(false);
    }
  });
});
