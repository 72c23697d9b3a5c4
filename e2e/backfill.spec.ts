// Partitions from the catalog: the asset page of a partitioned notebook (shop-monthly.md)
// shows its partitions as a grid; a backfill of three months runs one run per month, the
// grid turns green as they finish, and pressing Backfill again has nothing left to do.
// Then "Run in production" with the scope "this asset" and one partition runs just that.
import { expect, test } from "./fixtures";

test("backfill three months of a partitioned asset, then run one partition of one asset", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/catalog/daily_sales");
  await expect(page.getByRole("heading", { name: "daily_sales" })).toBeVisible();
  const panel = page.getByTestId("partitions");
  await expect(panel.locator(".partition-cell[data-key='2024-01']")).toHaveAttribute("data-status", "never");

  await panel.getByTestId("backfill-from").selectOption("2024-01");
  await panel.getByTestId("backfill-to").selectOption("2024-03");
  await panel.getByTestId("backfill").click();
  await expect(panel.getByRole("status")).toHaveText("Started 3 runs.");
  for (const key of ["2024-01", "2024-02", "2024-03"]) {
    await expect(panel.locator(`.partition-cell[data-key='${key}']`)).toHaveAttribute("data-status", "succeeded", { timeout: 45_000 });
  }
  await expect(panel.locator(".partition-cell[data-key='2024-04']")).toHaveAttribute("data-status", "never");
  await expect(panel.getByTestId("partitions-succeeded")).toContainText("3 succeeded");
  await page.screenshot({ path: "docs/screenshots/partitions.png" });

  // Again over the same range: every partition succeeded, nothing is triggered.
  await panel.getByTestId("backfill").click();
  await expect(panel.getByRole("status")).toHaveText("Nothing to do: every partition in the range succeeded or is in flight.");

  // The runs list has the three backfill runs, one per partition.
  const runs: unknown = await (await page.request.get("/api/runs?notebook=shop-monthly")).json();
  expect(runs).toMatchObject({ runs: expect.arrayContaining([expect.objectContaining({ trigger: "backfill", partitions: ["2024-02"], status: "succeeded" })]) });

  // One partition of this asset alone from the run button.
  await page.getByTestId("run-scope").selectOption("asset");
  await page.getByTestId("run-partition").selectOption("2024-04");
  await page.getByTestId("run-in-production").click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 30_000 });
  const assets = page.getByTestId("run-assets");
  await expect(assets.locator("tr[data-asset]")).toHaveCount(1);
  await expect(assets.locator("tr[data-asset='daily_sales']")).toHaveAttribute("data-state", "succeeded");
  const runId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  const detail: unknown = await (await page.request.get(`/api/runs/${runId}`)).json();
  expect(detail).toMatchObject({ run: { partitions: ["2024-04"], selection: ["daily_sales"], trigger: "manual" } });
});
