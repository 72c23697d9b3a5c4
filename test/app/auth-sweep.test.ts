// The 401 sweep: every exported method of every route handler under app/api (found
// on disk now, including routes added later), called without a session, answers 401.
// The only exceptions are sign-in and first-run setup, which refuse without credentials.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BAD_API_TOKEN } from "@/lib/auth";
import { apiHandlers, key, PUBLIC_ROUTES, type ApiHandler } from "./api-routes";

let handlers: ApiHandler[] = [];

beforeAll(async () => {
  delete process.env.DATABASE_URL;
  process.env.ASSETBOOK_CATALOG_DIR = "memory://sweep";
  process.env.ASSETBOOK_AUTH_SECRET = "sweep-secret-".padEnd(48, "x");
  process.env.ASSETBOOK_SECRET_KEY = "a".repeat(64);
  handlers = await apiHandlers();
});

afterAll(async () => {
  const { appContext } = await import("@/app/_lib/server-context");
  await (await appContext()).store.close();
});

function anonymous(h: ApiHandler, headers: Record<string, string> = {}): Request {
  const hasBody = !["GET", "HEAD", "OPTIONS"].includes(h.method);
  return new Request(h.url, {
    method: h.method,
    headers: { host: "app.test", origin: "http://app.test", "content-type": "application/json", ...headers },
    ...(hasBody ? { body: "{}" } : {}),
  });
}

describe("every API route without a session", () => {
  it("finds the route handlers on disk", () => {
    expect(handlers.length).toBeGreaterThanOrEqual(10);
    expect(handlers.map(key)).toContain("PUT app/api/secrets/route.ts");
    expect(handlers.map(key)).toEqual(expect.arrayContaining(["GET app/api/tokens/route.ts", "POST app/api/tokens/route.ts", "DELETE app/api/tokens/[id]/route.ts"]));
    expect(handlers.map(key)).toEqual(expect.arrayContaining(["GET app/api/concurrency-limits/route.ts", "PUT app/api/concurrency-limits/route.ts", "DELETE app/api/concurrency-limits/route.ts"]));
  });

  it("answers 401 on every non-public route (and public ones refuse empty credentials)", async () => {
    const answers: Record<string, number> = {};
    for (const h of handlers) {
      const response = await h.handler(anonymous(h), { params: Promise.resolve(h.params) });
      answers[key(h)] = response.status;
    }
    const expected = Object.fromEntries(handlers.map((h) => [key(h), PUBLIC_ROUTES.has(key(h)) ? 400 : 401]));
    expect(answers).toEqual(expected);
  });

  it("answers 401 naming the token to an unknown, malformed or empty API token", async () => {
    for (const authorization of [`Bearer ab_${"A".repeat(43)}`, "Bearer not-a-token", "Bearer"]) {
      for (const h of handlers) {
        if (PUBLIC_ROUTES.has(key(h))) continue;
        const response = await h.handler(anonymous(h, { authorization }), { params: Promise.resolve(h.params) });
        expect(response.status, `${authorization} ${key(h)}`).toBe(401);
        expect(await response.json(), key(h)).toEqual({ error: BAD_API_TOKEN });
      }
    }
  });

  it("answers 401, or 403 on writes, to a share token instead of a session", async () => {
    for (const h of handlers) {
      if (PUBLIC_ROUTES.has(key(h))) continue;
      const response = await h.handler(anonymous(h, { authorization: "Share AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }), { params: Promise.resolve(h.params) });
      expect([401, 403], key(h)).toContain(response.status);
    }
  });
});
