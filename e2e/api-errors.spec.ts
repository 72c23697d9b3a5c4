// Bad input to the run and SQL routes of the built server is the caller's error, never a
// 500: an unknown notebook (the run service lives in instrumentation.ts's own bundle, so
// an instanceof across bundles is no way to recognise it), SQL with a NUL character, SQL
// longer than the route takes.
import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { OWNER_STATE } from "./owner";

test.describe("API errors", () => {
  let owner: APIRequestContext;
  let origin: string;

  test.beforeAll(async ({ playwright }, testInfo) => {
    const baseURL = testInfo.project.use.baseURL;
    if (!baseURL) throw new Error("baseURL is not set in playwright.config.ts");
    origin = new URL(baseURL).origin;
    owner = await playwright.request.newContext({ baseURL, storageState: OWNER_STATE });
  });

  test.afterAll(async () => {
    await owner.dispose();
  });

  test("POST /api/runs for a notebook that does not exist is 404", async () => {
    const response = await owner.post("/api/runs", { data: { notebook: "no-such-notebook" }, headers: { origin } });
    expect(response.status()).toBe(404);
    expect(await response.json()).toEqual({ error: 'notebook "no-such-notebook" is neither in the notebooks directory nor in the catalog' });
  });

  test("POST /api/sql/references: the parser's message on a NUL character (an answer, 200), 400 past its size limit, the tables otherwise", async () => {
    const nul = await owner.post("/api/sql/references", { data: { sql: "select 1 as x\u0000; drop table t" }, headers: { origin } });
    expect(nul.status()).toBe(200);
    expect(await nul.json()).toEqual({ error: "SQL cannot contain a NUL character", position: 13 });
    const long = await owner.post("/api/sql/references", { data: { sql: `select 1 -- ${"x".repeat(1_000_000)}` }, headers: { origin } });
    expect(long.status()).toBe(400);
    const ok = await owner.post("/api/sql/references", { data: { sql: "select * from orders" }, headers: { origin } });
    expect(await ok.json()).toEqual({ refs: [{ name: "orders" }] });
  });
});
