// Production runs in real Chromium against the embedded workers in the app process:
// "Run in production" on an asset page triggers a run of notebooks/shop.md, the run page
// goes green with log lines arriving by polling, and the catalog shows the new
// materialization with the run's id.
import { expect, test } from "./fixtures";

test("run shop.md in production from the catalog, watch it go green, see it in the catalog", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/catalog/orders");
  await expect(page.getByRole("heading", { name: "orders" })).toBeVisible();
  const before = await page.getByTestId("history-run").count();

  await page.getByTestId("run-in-production").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runId = new URL(page.url()).pathname.split("/").at(-1) ?? "";

  // Log lines arrive while it runs; it ends green with every asset succeeded.
  const log = page.getByTestId("run-log");
  await expect(log.locator("li").first()).toContainText("queued");
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(log).toContainText("attempt 1 succeeded");
  // Each event once: polls never overlap to append the same events twice.
  const ids = await log.locator("li").evaluateAll((items) => items.map((li) => li.getAttribute("data-event-id")));
  expect(ids.length).toBeGreaterThan(3);
  expect(new Set(ids).size).toBe(ids.length);
  const assets = page.getByTestId("run-assets");
  await expect(assets.locator("tr[data-asset='orders']")).toHaveAttribute("data-state", "succeeded");
  // orders' checks show passing, with their count.
  await expect(page.getByTestId("run-checks-orders")).toHaveText(/^\d+\/\d+$/);
  const [passed, total] = (await page.getByTestId("run-checks-orders").innerText()).split("/").map(Number);
  expect(total).toBeGreaterThan(0);
  expect(passed).toBe(total);
  await expect(assets.locator("tr[data-asset]:not([data-state='succeeded'])")).toHaveCount(0);
  expect(await assets.locator("tr[data-asset]").count()).toBeGreaterThan(1);
  await expect(page.getByTestId("run-cancel")).toHaveCount(0);
  await page.screenshot({ path: "docs/screenshots/run.png" });

  // The API agrees, and the list filters by status and notebook.
  const detail = await page.request.get(`/api/runs/${runId}`);
  expect(detail.ok()).toBe(true);
  const body: unknown = await detail.json();
  expect(body).toMatchObject({ run: { id: runId, status: "succeeded", notebook: "shop" } });
  await page.goto("/runs?status=succeeded&notebook=shop");
  await expect(page.locator(`tr[data-run='${runId}']`)).toBeVisible();
  await page.goto("/runs?status=failed");
  await expect(page.locator(`tr[data-run='${runId}']`)).toHaveCount(0);

  // The catalog has the new materialization, with this run's id; the sample rows still show
  // (read through the workers' open warehouse, not a second open of the file).
  await page.goto("/catalog/orders");
  await expect(page.getByTestId("history-run")).toHaveCount(Math.min(before + 1, 10));
  await expect(page.getByTestId("history-run").first()).toHaveText(runId.slice(0, 8));
  await expect(page.getByTestId("samples").locator("tbody tr")).not.toHaveCount(0);
});

test("Run in production names the inputs that never ran and offers to include them", async ({ page }) => {
  // The penguins notebook never ran in production here: its accuracy reads the model, which reads penguins.
  await page.goto("/catalog/species_accuracy");
  await expect(page.getByRole("heading", { name: "species_accuracy" })).toBeVisible();
  await page.getByTestId("run-in-production").click();
  const missing = page.getByTestId("run-missing-inputs");
  await expect(missing).toContainText("penguins, species_model have never been materialized, and this run reads them.");
  await expect(page.getByTestId("run-include-missing")).toBeVisible();
  await expect(page.getByTestId("run-as-chosen")).toBeVisible();
  // Nothing started: the page is still the asset's.
  await expect(page).toHaveURL(/\/catalog\/species_accuracy$/);
  await page.screenshot({ path: "docs/screenshots/run-missing-inputs.png" });
});
