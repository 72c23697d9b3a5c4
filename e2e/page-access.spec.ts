// Every page of the app (every app/**/page.tsx, found on disk now: a page added later is
// walked without touching this file), asked for without a session, sends the visitor to
// sign in, and comes back after: only sign-in, setup and share links are open. The same
// pages answer the signed-in owner, so the walk cannot pass by turning everyone away.
// HTTP requests only, no browser; client navigations (RSC requests) are walked too.
import { readdir } from "node:fs/promises";
import path from "node:path";
import type { APIRequestContext, APIResponse } from "@playwright/test";
import { expect, test } from "./fixtures";
import { OWNER_STATE } from "./owner";

const APP_DIR = path.join(process.cwd(), "app");

/** Open without a session; every other page needs a member. */
const OPEN_PAGES = new Set(["/login", "/setup", "/invite", "/share/[token]"]);

interface PageRoute {
  /** The route as written in app/, e.g. /notebooks/[slug]. */
  pattern: string;
  params: string[];
}

/** The routes of app/**\/page.tsx: route groups add no segment, private folders (_x) and slots (@x) are not routes. */
async function pageRoutes(dir = APP_DIR, segments: string[] = []): Promise<PageRoute[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const routes: PageRoute[] = [];
  for (const entry of entries) {
    if (entry.isFile() && /^page\.(tsx|ts|jsx|js|mdx)$/.test(entry.name)) {
      const params = segments.flatMap((s) => {
        const name = /^\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}$/.exec(s)?.[1];
        return name === undefined ? [] : [name];
      });
      routes.push({ pattern: `/${segments.join("/")}`, params });
    }
    if (!entry.isDirectory() || entry.name.startsWith("_") || entry.name.startsWith("@")) continue;
    const routed = /^\(.*\)$/.test(entry.name) ? segments : [...segments, entry.name];
    routes.push(...(await pageRoutes(path.join(dir, entry.name), routed)));
  }
  return routes;
}

/** A plausible value for each dynamic segment; `exists`: the page finds it (else it answers 404). */
interface ParamValue {
  value: string;
  exists: boolean;
}

function fill(route: PageRoute, values: Record<string, ParamValue>): { path: string; exists: boolean } {
  let exists = true;
  const filled = route.pattern.replace(/\[{1,2}(?:\.\.\.)?([^\]]+)\]{1,2}/g, (_, name: string) => {
    const param = values[name];
    if (param === undefined) throw new Error(`${route.pattern}: no value for [${name}]; add one to the walk`);
    exists &&= param.exists;
    return encodeURIComponent(param.value);
  });
  return { path: filled, exists };
}

/** A client navigation's request: the RSC header, and the `_rsc` parameter Next.js expects with it (empty for these headers). */
const RSC = { rsc: "1" };

async function get(context: APIRequestContext, url: string, headers: Record<string, string> = {}): Promise<APIResponse> {
  const rsc = headers.rsc === undefined ? "" : `${url.includes("?") ? "&" : "?"}_rsc`;
  return context.get(`${url}${rsc}`, { maxRedirects: 0, headers });
}

test.describe("page access", () => {
  let routes: PageRoute[];
  let anonymous: APIRequestContext;
  let owner: APIRequestContext;
  let values: Record<string, ParamValue>;
  let shareId: string;
  let origin: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL;
    if (!baseURL) throw new Error("baseURL is not set in playwright.config.ts");
    origin = new URL(baseURL).origin;
    routes = await pageRoutes();
    anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
    owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
    // A share link of the owner's, so /share/[token] is walked with a token that works.
    const created = await owner.post("/api/share-links", { data: { target: "catalog", expiresInHours: 1 }, headers: { origin } });
    expect(created.status()).toBe(201);
    const link: unknown = await created.json();
    if (typeof link !== "object" || link === null || !("url" in link) || typeof link.url !== "string" || !("id" in link) || typeof link.id !== "string") throw new Error("no share link");
    shareId = link.id;
    values = {
      slug: { value: "shop", exists: true },
      asset: { value: "daily_revenue", exists: true },
      id: { value: crypto.randomUUID(), exists: false },
      // A review number no review has (page-access runs before the reviews spec creates any).
      number: { value: "999999", exists: false },
      token: { value: link.url.slice("/share/".length), exists: true },
    };
  });

  test.afterAll(async () => {
    await owner.delete(`/api/share-links/${shareId}`, { headers: { origin } });
    await anonymous.dispose();
    await owner.dispose();
  });

  test("finds the pages on disk", () => {
    const patterns = routes.map((r) => r.pattern);
    expect(patterns).toEqual(expect.arrayContaining(["/", "/notebooks/[slug]", "/catalog", "/catalog/[asset]", "/runs/[id]", "/dev/components", "/dev/duckdb", "/login", "/setup", "/share/[token]"]));
    expect(patterns.length).toBeGreaterThanOrEqual(15);
  });

  test("without a session every page but sign-in, setup and share links sends the visitor to sign in", async () => {
    const walked: string[] = [];
    for (const route of routes) {
      if (OPEN_PAGES.has(route.pattern)) continue;
      const { path: page } = fill(route, values);
      for (const query of ["", "?view=all"]) {
        for (const headers of [{}, RSC]) {
          const response = await get(anonymous, `${page}${query}`, headers);
          const where = `${route.pattern} ${page}${query} ${JSON.stringify(headers)}`;
          expect(response.status(), where).toBe(307);
          const location = new URL(response.headers().location ?? "", "http://app.invalid");
          expect(location.pathname, where).toBe("/login");
          expect(location.searchParams.get("next"), where).toBe(`${page}${query}`);
          // Nothing of the page comes with the redirect (at most the new location, as text).
          expect(["", response.headers().location], where).toContain(await response.text());
        }
      }
      walked.push(route.pattern);
    }
    expect(walked).toEqual(expect.arrayContaining(["/", "/notebooks/[slug]", "/dev/components", "/dev/duckdb"]));
  });

  test("without a session sign-in, setup and a share link open; a bad share link is 404", async () => {
    expect(routes.map((r) => r.pattern)).toEqual(expect.arrayContaining([...OPEN_PAGES]));
    for (const route of routes.filter((r) => OPEN_PAGES.has(r.pattern))) {
      const { path: page } = fill(route, values);
      expect((await get(anonymous, page)).status(), page).toBe(200);
      expect((await get(anonymous, page, RSC)).status(), `${page} (RSC)`).toBe(200);
    }
    const shared = await get(anonymous, fill({ pattern: "/share/[token]", params: ["token"] }, values).path);
    expect(await shared.text()).toContain("Read-only view shared from Assetbook");
    expect((await get(anonymous, `/share/${"A".repeat(43)}`)).status()).toBe(404);
  });

  test("a signed-in member opens every page", async () => {
    const statuses: Record<string, number> = {};
    const expected: Record<string, number> = {};
    for (const route of routes) {
      const { path: page, exists } = fill(route, values);
      statuses[route.pattern] = (await get(owner, page)).status();
      expected[route.pattern] = exists ? 200 : 404;
    }
    expect(statuses).toEqual(expected);
    // And the page itself, not a sign-in form: the notebook's own text is there.
    expect(await (await get(owner, "/notebooks/shop")).text()).toContain("daily_revenue");
  });

  test("API routes still answer a JSON 401 without a session, never a redirect", async () => {
    const response = await get(anonymous, "/api/runs");
    expect(response.status()).toBe(401);
    expect(await response.json()).toEqual({ error: "sign in first" });
  });

  test("a cookie that is not a live session is no session", async ({ playwright, baseURL }) => {
    const forged = await playwright.request.newContext({
      baseURL,
      storageState: { cookies: [{ name: "assetbook.session_token", value: "forged.token", domain: "127.0.0.1", path: "/", expires: -1, httpOnly: true, secure: false, sameSite: "Lax" }], origins: [] },
    });
    const response = await get(forged, "/notebooks/shop");
    expect(response.status()).toBe(307);
    expect(new URL(response.headers().location ?? "", "http://app.invalid").pathname).toBe("/login");
    await forged.dispose();
  });
});
