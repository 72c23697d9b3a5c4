import { expect, test } from "./fixtures";

// The browser's DuckDB-WASM starts from the app's own files (worker and module) and
// answers a query; the fixture fails the test on any request leaving the origin and on
// any console error.
test("DuckDB-WASM loads from the app's origin and runs a query", async ({ page }) => {
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  const workers: string[] = [];
  page.on("worker", (worker) => workers.push(worker.url()));

  await page.goto("/dev/duckdb");
  const status = page.getByTestId("duckdb-status");
  await expect(status).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  await expect(page.getByTestId("duckdb-answer")).toHaveText("42");
  await expect(page.getByTestId("duckdb-tables")).toHaveText("athletes, rides");

  // The module and the worker came from here (not a CDN).
  const origin = new URL(page.url()).origin;
  const fromHere = (pattern: RegExp) => requested.some((url) => url.startsWith(`${origin}/`) && pattern.test(new URL(url).pathname));
  expect(fromHere(/duckdb-eh\.[^/]*wasm$/), "duckdb-eh.wasm from the app").toBe(true);
  // Turbopack bundles the worker as its own entry (a turbopack-worker bootstrap plus chunks).
  expect(workers.length, "a Web Worker was started").toBeGreaterThan(0);
  expect(workers.every((url) => url.startsWith(`${origin}/`)), `workers from the app: ${workers.join(", ")}`).toBe(true);
  await page.waitForLoadState("networkidle");
});
