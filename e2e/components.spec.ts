import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

test.use({ viewport: { width: 1440, height: 900 } });

async function openDemo(page: Page) {
  await page.goto("/dev/components");
  const table = page.getByTestId("preview-table");
  await expect(table).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("row-count")).toHaveText("1,000,000 rows");
  // First page of rows loaded.
  await expect(table.locator('[role="row"][data-row-index="0"] [role="gridcell"]').first()).toHaveText("0");
  return table;
}

/** The visible text of column `name` in the first `n` rows. */
async function firstValues(page: Page, column: number, n: number): Promise<string[]> {
  const values: string[] = [];
  for (let i = 0; i < n; i++) {
    values.push(await page.locator(`[role="row"][data-row-index="${i}"] [role="gridcell"][aria-colindex="${column}"]`).innerText());
  }
  return values;
}

test("preview table: stats, sort, filter, copy SQL", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const table = await openDemo(page);

  // Header statistics and histograms arrive.
  const distance = page.getByTestId("column-header-distance_km");
  await expect(distance).toContainText("null 7.7%");
  await expect(distance).toContainText("distinct");
  await expect(distance.locator("svg rect")).toHaveCount(20);
  await expect(page.getByTestId("column-header-sport").locator("li")).toHaveCount(3);

  // Sort by id descending: click twice.
  const idColumn = 2;
  await page.getByTestId("sort-id").click();
  await expect(page.getByTestId("column-header-id")).toHaveAttribute("aria-sort", "ascending");
  await page.getByTestId("sort-id").click();
  await expect(page.getByTestId("column-header-id")).toHaveAttribute("aria-sort", "descending");
  await expect.poll(() => firstValues(page, idColumn, 3)).toEqual(["999999", "999998", "999997"]);

  // Filter: sport = swim and distance >= 30.
  await page.getByTestId("filter-op-sport").selectOption("=");
  await page.getByTestId("filter-sport").fill("swim");
  await page.getByTestId("filter-sport").press("Enter");
  await page.getByTestId("filter-op-distance_km").selectOption(">=");
  await page.getByTestId("filter-distance_km").fill("30");
  await page.getByTestId("filter-distance_km").press("Enter");
  await expect(page.getByTestId("row-count")).not.toHaveText("1,000,000 rows");
  await expect(page.getByTestId("row-count")).toHaveText(/^[\d,]+ rows$/);
  const filtered = Number((await page.getByTestId("row-count").innerText()).replace(/\D/g, ""));
  expect(filtered).toBeGreaterThan(1000);
  expect(filtered).toBeLessThan(100_000);
  const sportColumn = 4;
  await expect.poll(() => firstValues(page, sportColumn, 5)).toEqual(Array(5).fill("swim"));
  const distances = (await firstValues(page, 5, 5)).map(Number);
  for (const d of distances) expect(d).toBeGreaterThanOrEqual(30);
  const ids = (await firstValues(page, idColumn, 5)).map(Number);
  expect([...ids].sort((a, b) => b - a)).toEqual(ids);

  // Copy SQL: the clipboard holds the WHERE clause and the order.
  await page.getByTestId("copy-sql").click();
  await expect(page.getByTestId("copy-sql")).toHaveText("Copied");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(`WHERE "sport" = 'swim'`);
  expect(copied).toContain(`AND "distance_km" >= 30`);
  expect(copied).toContain(`ORDER BY "id" DESC`);

  await page.screenshot({ path: "/tmp/components-table.png" });

  // Scroll far down: rows are fetched for the new window.
  await page.getByTestId("filter-op-sport").selectOption("contains");
  await page.getByTestId("filter-sport").fill("");
  await page.getByTestId("filter-sport").press("Enter");
  await page.getByTestId("filter-distance_km").fill("");
  await page.getByTestId("filter-distance_km").press("Enter");
  await page.getByTestId("sort-id").click();
  await expect(page.getByTestId("row-count")).toHaveText("1,000,000 rows");
  const grid = table.getByRole("grid");
  await grid.evaluate((element) => element.scrollTo({ top: element.scrollHeight / 2 }));
  const middle = table.locator('[role="row"][data-row-index="500010"] [role="gridcell"]').first();
  await expect(middle).toHaveText("500010");
  await page.screenshot({ path: "/tmp/components-table-scrolled.png" });
});

test("charts render SVG marks offline, without eval", async ({ page }) => {
  await page.goto("/dev/components");
  for (const id of ["demo-chart-line", "demo-chart-bar"]) {
    const chart = page.getByTestId(id);
    await expect(chart.locator("svg .mark-line path, svg .mark-rect path").first()).toBeVisible();
  }
  await expect(page.getByTestId("demo-chart-line").locator("svg .mark-line path")).toHaveCount(3);
  await expect(page.getByTestId("demo-chart-bar").locator("svg .mark-rect path")).toHaveCount(6);
  await expect(page.getByTestId("chart-view").getByRole("alert")).toHaveCount(0);
  await page.getByTestId("demo-chart-line").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "/tmp/components-charts.png" });
});

test("graph panel: nodes coloured by state, click selects", async ({ page }) => {
  await page.goto("/dev/components");
  const node = page.getByTestId("graph-node-daily_distance");
  await node.scrollIntoViewIfNeeded();
  await expect(node).toHaveAttribute("data-state", "running");
  await expect(page.getByTestId("graph-selected")).toHaveText("Selected: none");
  await node.click();
  await expect(page.getByTestId("graph-selected")).toHaveText("Selected: daily_distance");
  await expect(node).toHaveAttribute("aria-pressed", "true");
  await page.getByTestId("graph-node-energy_model").focus();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("graph-selected")).toHaveText("Selected: energy_model");
  await page.screenshot({ path: "/tmp/components-graph.png" });
});
