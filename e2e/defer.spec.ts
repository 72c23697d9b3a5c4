// The editor defers to production for tables another notebook produces: notebooks/shop-segments.md
// declares `external: [orders, customers]` (shop.md's assets). After a production run of
// shop, opening shop-segments in the editor loads a sample of each from production into
// DuckDB-WASM, segment_revenue runs on it in the browser, and a note says it is a sample.
import type { APIRequestContext } from "@playwright/test";
import { z } from "zod";
import { expect, test } from "./fixtures";

const runDetail = z.object({ run: z.object({ id: z.string(), status: z.string() }) });
const errorBody = z.object({ error: z.string(), table: z.string() });

/** Triggers a production run of a notebook through the API and waits until it succeeded. */
async function runInProduction(request: APIRequestContext, origin: string, notebook: string): Promise<void> {
  const triggered = await request.post("/api/runs", { data: { notebook }, headers: { origin } });
  expect(triggered.status(), await triggered.text()).toBe(200);
  const { id } = z.object({ id: z.string() }).parse(await triggered.json());
  await expect
    .poll(async () => runDetail.parse(await (await request.get(`/api/runs/${id}`)).json()).run.status, { timeout: 60_000, intervals: [500] })
    .toBe("succeeded");
}

test("shop-segments runs in the editor on a sample of production's orders and customers", async ({ page, baseURL }) => {
  test.setTimeout(150_000);
  const origin = new URL(baseURL ?? "").origin;
  await runInProduction(page.request, origin, "shop");

  // The route answers Arrow IPC for the workspace's assets, and names the table when it refuses.
  const orders = await page.request.get("/api/catalog/assets/orders/sample");
  expect(orders.status()).toBe(200);
  expect(orders.headers()["content-type"]).toBe("application/vnd.apache.arrow.stream");
  expect(orders.headers()["x-assetbook-rows"]).toBe("10000");
  expect(orders.headers()["x-assetbook-sampled"]).toBe("true");
  const internal = await page.request.get("/api/catalog/assets/_assetbook.lc_assets/sample");
  expect(internal.status()).toBe(403);
  expect(errorBody.parse(await internal.json()).error).toContain('table "_assetbook.lc_assets" is in the lifecycle\'s internal schema');
  const unknown = await page.request.get("/api/catalog/assets/no_such_table/sample");
  expect(unknown.status()).toBe(404);
  expect(errorBody.parse(await unknown.json())).toMatchObject({ table: "no_such_table", error: expect.stringContaining('table "no_such_table" is not an asset') });

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/notebooks/shop-segments");
  await expect(page.getByRole("heading", { level: 1, name: "Shop segments" })).toBeVisible();

  // segment_revenue ran in the browser on the samples: fresh, one row per segment, no error.
  const state = page.getByTestId("cell-state-segment_revenue");
  await expect(state).toHaveAttribute("data-state", "fresh", { timeout: 60_000 });
  await expect(state).toHaveAttribute("data-rows", "3");
  await expect(page.getByTestId("cell-error-segment_revenue")).toHaveCount(0);
  const preview = page.getByTestId("preview-segment_revenue");
  await expect(preview.getByTestId("row-count")).toHaveText("3 rows");
  for (const segment of ["retail", "wholesale", "online"]) await expect(preview.getByRole("gridcell", { name: segment, exact: true })).toBeVisible();

  // The note says what came from production, and how much of it.
  const note = page.getByTestId("production-tables");
  await expect(note.locator("[data-table='orders']")).toHaveText("orders: 10,000-row sample of production");
  await expect(note.locator("[data-table='customers']")).toHaveText("customers: all 500 rows of production");
  await expect(page.getByTestId("production-tables-failed")).toHaveCount(0);

  await expect(page.getByTestId("cell-editor-segment_revenue").locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: ".tmp/defer.png" });
});
