import { copyFile, mkdir, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { formatNotebook, parseNotebook } from "../lib/notebook";
import { expect, test } from "./fixtures";

// Works on a copy of notebooks/shop.md (SQL only: it runs entirely in the browser).
const slug = `e2e-${Math.random().toString(36).slice(2, 8)}`;
const notebooksDir = path.join(process.cwd(), "notebooks");
const file = path.join(notebooksDir, `${slug}.md`);
const cells = ["customers", "orders", "daily_revenue", "top_customers", "revenue_per_day"];

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  // shop.md as it is: its `join ... using (...)` is read by the server's parser when the
  // browser's (which binds as it parses) rejects it.
  await copyFile(path.join(notebooksDir, "shop.md"), file);
});
test.afterAll(() => unlink(file).catch(() => undefined));

const state = (page: Page, name: string) => page.getByTestId(`cell-state-${name}`);
const runs = async (page: Page, name: string) => Number(await state(page, name).getAttribute("data-runs"));
const rows = async (page: Page, name: string) => Number(await state(page, name).getAttribute("data-rows"));

async function allFresh(page: Page, names: readonly string[] = cells): Promise<void> {
  for (const name of names) await expect(state(page, name)).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
}

/** Replaces the text of a cell's Monaco editor, as a user would (select all, then type). */
async function setCellText(page: Page, name: string, text: string): Promise<void> {
  const editor = page.getByTestId(`cell-editor-${name}`).locator(".monaco-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
}

async function openNotebook(page: Page, which = slug): Promise<void> {
  await page.goto(`/notebooks/${which}`);
  await expect(page.getByRole("heading", { level: 1, name: "Shop" })).toBeVisible();
  await expect(page.getByTestId(`cell-editor-orders`).locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
  await allFresh(page);
}

const ordersSql = `-- checks: not_null(order_id), unique(order_id), relationships(customer_id, customers.customer_id)
-- warn: row_count(min=1000)
select
  i as order_id,
  cast(1 + hash(i) % 500 as bigint) as customer_id,
  timestamp '2024-01-01 00:00:00' + to_minutes(cast(hash(i * 7) % 525600 as bigint)) as ordered_at,
  round(5 + (hash(i * 13) % 20000) / 100.0, 2) as amount
from range(1, 121) as t(i)`;

test("an edit reruns exactly the cells downstream, in the browser", async ({ page }) => {
  await openNotebook(page);
  const before = Object.fromEntries(await Promise.all(cells.map(async (name) => [name, await runs(page, name)] as const)));
  const dailyRows = await rows(page, "daily_revenue");
  expect(dailyRows).toBe(365);
  // Passing checks show on the cell, counted: customers declares three.
  await expect(state(page, "customers")).toHaveAttribute("data-checks", "3/3");
  await expect(state(page, "customers")).toContainText("checks 3/3");

  await setCellText(page, "orders", ordersSql);
  await expect.poll(() => runs(page, "daily_revenue"), { timeout: 20_000 }).toBeGreaterThan(before.daily_revenue ?? 0);
  await allFresh(page);
  expect(await runs(page, "orders")).toBe((before.orders ?? 0) + 1);
  expect(await runs(page, "top_customers")).toBe((before.top_customers ?? 0) + 1);
  expect(await runs(page, "revenue_per_day")).toBe((before.revenue_per_day ?? 0) + 1);
  expect(await runs(page, "customers")).toBe(before.customers);
  expect(await rows(page, "daily_revenue")).toBeLessThanOrEqual(120);
  expect(await rows(page, "orders")).toBe(120);

  // The chart renders from its table.
  await expect(page.getByTestId("chart-revenue_per_day").locator("svg, canvas").first()).toBeVisible({ timeout: 15_000 });

  // Clicking a node of the graph panel jumps to its cell.
  await page.getByTestId("graph-node-top_customers").click();
  await expect(page.getByTestId("cell-top_customers")).toHaveClass(/nb-cell--focused/);
  await expect(page.getByTestId("cell-top_customers")).toBeInViewport();

  // Ctrl/Cmd+Enter in an editor runs that cell (and what is below it) again.
  await page.getByTestId("cell-editor-customers").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect.poll(() => runs(page, "customers")).toBe((before.customers ?? 0) + 1);
  await allFresh(page);

  // Alt+Enter adds a cell below the current one, reading it; the new cell runs.
  await page.getByTestId("cell-editor-orders").locator(".view-lines").click();
  await page.keyboard.press("Alt+Enter");
  await expect(state(page, "new_asset")).toHaveAttribute("data-state", "fresh", { timeout: 20_000 });
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "true");
});

test("an asset another notebook also produces is reported, naming that file", async ({ page }) => {
  // This page edits a copy of shop.md: every asset of it is also produced by shop.md.
  await openNotebook(page);
  const shared = page.getByTestId("produced-elsewhere");
  await expect(shared).toContainText("customers, orders, daily_revenue, top_customers, revenue_per_day are also produced by notebooks/shop.md");
  await expect(shared).toContainText("rename them here or there");
  await page.screenshot({ path: "test-results/produced-elsewhere.png" });
});

test("a SQL error is shown under its cell, at its line, with a Monaco marker", async ({ page }) => {
  await openNotebook(page);
  await setCellText(page, "daily_revenue", "-- checks: not_null(day), unique(day)\nselect cast(date_trunc('day', ordered_at) as date) as day,\n  sum(amout) as revenue\nfrom orders\ngroup by all");
  await expect(state(page, "daily_revenue")).toHaveAttribute("data-state", "error", { timeout: 20_000 });
  const error = page.getByTestId("cell-error-daily_revenue");
  await expect(error).toContainText("amout");
  await expect(error).toContainText("line 3");
  await expect(page.getByTestId("cell-editor-daily_revenue")).toHaveAttribute("data-markers", "1");
  await expect(page.getByTestId("cell-editor-daily_revenue").locator(".squiggly-error").first()).toBeAttached();
  await expect(state(page, "revenue_per_day")).toHaveAttribute("data-state", "blocked");
  await expect(state(page, "customers")).toHaveAttribute("data-state", "fresh");
});

test("add a cell and save: the file on disk is canonical and re-parses", async ({ page }) => {
  await openNotebook(page);
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");
  await page.getByRole("button", { name: "+ SQL" }).click();
  await expect(state(page, "new_asset")).toHaveAttribute("data-state", "fresh", { timeout: 20_000 });
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "true");
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false");

  const text = await readFile(file, "utf8");
  expect(text).toContain("```sql new_asset\nselect *\nfrom top_customers\n```\n");
  const format = formatNotebook(text, file);
  expect(format.ok && format.changed).toBe(false);
  const parsed = parseNotebook(text, file);
  expect(parsed.ok).toBe(true);
  expect(parsed.notebook?.cells.filter((c) => c.type === "asset").map((c) => c.type === "asset" && c.name)).toEqual([...cells, "new_asset"]);
});

test("screenshots of the notebook page at 1440x900 and 390x844", async ({ page }) => {
  await mkdir("docs/screenshots", { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  // shop.md itself, without this spec's copy beside it (which produces the same assets).
  await unlink(file);
  try {
    await openNotebook(page, "shop");
    await page.screenshot({ path: "docs/screenshots/notebook-1440.png" });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: "docs/screenshots/notebook-390.png" });
  } finally {
    await copyFile(path.join(notebooksDir, "shop.md"), file);
  }
});

test("the home page links every notebook and creates a new one", async ({ page }) => {
  const title = `E2E created ${Math.random().toString(36).slice(2, 8)}`;
  const created = path.join(notebooksDir, `${title.toLowerCase().replaceAll(" ", "-")}.md`);
  try {
    await page.goto("/");
    await expect(page.locator(`a[href="/notebooks/${slug}"]`)).toHaveText("Shop");
    await page.getByLabel("Title of the new notebook").fill(title);
    await page.getByRole("button", { name: "New notebook" }).click();
    await expect(page).toHaveURL(/\/notebooks\/e2e-created-/);
    await expect(page.getByRole("heading", { level: 1, name: title })).toBeVisible();
    await expect(state(page, "first_asset")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
    const text = await readFile(created, "utf8");
    expect(parseNotebook(text, created).ok).toBe(true);
  } finally {
    await unlink(created).catch(() => undefined);
  }
});
