import { access, copyFile, mkdir, readFile, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { mlTrainConfigSchema, train } from "../lib/ml";
import { parseNotebook } from "../lib/notebook";
import { expect, test } from "./fixtures";

// ML cells in the browser: training in a Web Worker over SQL-generated data, its outputs,
// cancel, reactive retraining, and the same predictions as lib/ml in Node (same data, seed).
const tag = Math.random().toString(36).slice(2, 8);
const slug = `e2e-ml-${tag}`;
const penguinsSlug = `e2e-ml-penguins-${tag}`;
const notebooksDir = path.join(process.cwd(), "notebooks");
const file = path.join(notebooksDir, `${slug}.md`);
const penguinsFile = path.join(notebooksDir, `${penguinsSlug}.md`);
// The extract preview route reads files from <repo>/data.
const penguinsData = path.join(process.cwd(), "data", "penguins.json");
let copiedPenguins = false;

const ROWS = 400;
// Long enough (tens of seconds) to cancel it on the way; the cancelled model is never kept.
const LONG_TREES = 200_000;
const trainDataSql = `select id, a, b, c, noise, 3 * a - 2 * b + c * c / 8 + noise as y
from (
  select i as id,
    cast(i % 17 as double) as a,
    cast((i * 7) % 23 as double) as b,
    cast((i * 13) % 31 as double) / 4 as c,
    cast((i * 37) % 11 as double) / 8 as noise
  from range(${ROWS}) t(i)
)
order by id`;

/** The same table as `trainDataSql`, computed here: every value is exact in binary. */
function trainData(): Record<string, number[]> {
  const columns: Record<string, number[]> = { a: [], b: [], c: [], noise: [], y: [] };
  for (let i = 0; i < ROWS; i++) {
    const a = i % 17;
    const b = (i * 7) % 23;
    const c = ((i * 13) % 31) / 4;
    const noise = ((i * 37) % 11) / 8;
    columns.a!.push(a);
    columns.b!.push(b);
    columns.c!.push(c);
    columns.noise!.push(noise);
    columns.y!.push(3 * a - 2 * b + (c * c) / 8 + noise);
  }
  return columns;
}

const mlBody = (trees: number, features: string) => `from: train_data
target: y
features: [${features}]
model: random_forest
params: { trees: ${trees}, seed: 42 }
split: { test: 0.2, seed: 42 }`;

const notebookText = `---
title: ML e2e
---

\`\`\`sql train_data
${trainDataSql}
\`\`\`

\`\`\`ml m
${mlBody(30, "a, b, c")}
\`\`\`
`;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  await writeFile(file, notebookText);
  await copyFile(path.join(notebooksDir, "penguins.md"), penguinsFile);
  try {
    await access(penguinsData);
  } catch {
    await mkdir(path.dirname(penguinsData), { recursive: true });
    await copyFile(path.join(process.cwd(), "node_modules/vega-datasets/data/penguins.json"), penguinsData);
    copiedPenguins = true;
  }
});
test.afterAll(async () => {
  await unlink(file).catch(() => undefined);
  await unlink(penguinsFile).catch(() => undefined);
  if (copiedPenguins) await unlink(penguinsData).catch(() => undefined);
});

const state = (page: Page, name: string) => page.getByTestId(`cell-state-${name}`);
const runs = async (page: Page, name: string) => Number(await state(page, name).getAttribute("data-runs"));
const query = (page: Page, sql: string) =>
  page.evaluate(async (text) => {
    const hook = window.__assetbook;
    if (!hook) throw new Error("no window.__assetbook");
    return hook.query(text);
  }, sql);

async function setCellText(page: Page, name: string, text: string): Promise<void> {
  const editor = page.getByTestId(`cell-editor-${name}`).locator(".monaco-editor");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(text);
}

async function openNotebook(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/notebooks/${name}`);
  await expect(page.getByTestId("cell-editor-m").or(page.getByTestId("cell-editor-species_model")).locator(".monaco-editor")).toBeVisible({ timeout: 30_000 });
}

async function screenshotCell(page: Page, name: string, to: string): Promise<void> {
  await page.getByTestId(`cell-${name}`).evaluate((el) => el.scrollIntoView({ block: "start" }));
  await page.evaluate(() => window.scrollBy(0, -16));
  await page.screenshot({ path: path.join("docs/screenshots", to) });
}

test("a regression cell trains in a worker, shows its outputs, and predicts exactly what lib/ml predicts in Node", async ({ page }) => {
  await openNotebook(page, slug);
  await expect(state(page, "m")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  const results = page.getByTestId("ml-results-m");
  await expect(results).toHaveAttribute("data-task", "regression");
  const metrics = page.getByTestId("ml-metrics-m");
  for (const metric of ["r2", "mae", "rmse"]) await expect(metrics.locator(`tr[data-metric="${metric}"] td`)).toHaveCount(2);
  expect(Number(await metrics.locator('tr[data-metric="r2"] td[data-split="test"]').textContent())).toBeGreaterThan(0.9);
  await expect(page.getByTestId("ml-importance-m").locator("svg").first()).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("ml-scatter-m").locator("svg").first()).toBeVisible({ timeout: 15_000 });
  // One bar per feature, one point per labelled row.
  await expect(page.getByTestId("ml-importance-m").locator(".mark-rect.role-mark path")).toHaveCount(3);
  await expect(page.getByTestId("ml-scatter-m").locator(".mark-symbol.role-mark path")).toHaveCount(ROWS);

  // Same data in the page as here…
  const expected = trainData();
  const pageData = await query(page, "select a, b, c, noise, y from train_data");
  for (const name of Object.keys(expected)) expect(pageData.map((r) => r[name])).toEqual(expected[name]);
  // …and the same predictions, to the last bit.
  const parsed = parseNotebook(await readFile(file, "utf8"), `notebooks/${slug}.md`);
  const cell = parsed.notebook?.cells.find((c) => c.type === "asset" && c.name === "m");
  if (cell?.type !== "asset" || cell.kind !== "ml") throw new Error("no ml cell m");
  const node = await train(mlTrainConfigSchema.parse(cell.config), expected);
  const browser = await query(page, "select _row::double as _row, predicted, split from m__predictions order by _row");
  expect(browser.map((r) => r.predicted)).toEqual(Array.from(node.predictions.data.predicted ?? []));
  expect(browser.map((r) => r.split)).toEqual(Array.from(node.predictions.data.split ?? []));
  expect(browser.map((r) => r._row)).toEqual(Array.from({ length: ROWS }, (_, i) => i));
  const browserMetrics = await query(page, "select metric, split, value from m__metrics");
  expect(browserMetrics).toEqual(node.metrics.map((m) => ({ ...m })));
  const importance = await query(page, "select feature, importance from m__importance order by importance desc");
  expect(importance).toEqual(node.importance.map((r) => ({ ...r })));

  await screenshotCell(page, "m", "ml-regression.png");
});

test("a long training shows progress without freezing the page, and Cancel keeps the old outputs", async ({ page }) => {
  test.setTimeout(120_000);
  await openNotebook(page, slug);
  await expect(state(page, "m")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  const r2Before = await page.getByTestId("ml-metrics-m").locator('tr[data-metric="r2"] td[data-split="test"]').textContent();
  const before = await runs(page, "m");

  await setCellText(page, "m", mlBody(LONG_TREES, "a, b, c"));
  const progress = page.getByTestId("ml-progress-m");
  await expect(progress).toBeVisible({ timeout: 15_000 });
  const bar = progress.getByRole("progressbar");
  await expect(bar).toHaveAttribute("aria-valuemax", String(LONG_TREES));
  const built = async () => Number(await bar.getAttribute("aria-valuenow"));
  const first = await built();
  // The main thread stays responsive: a timer fires on time while the worker trains.
  const lag = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const start = performance.now();
        setTimeout(() => resolve(performance.now() - start - 50), 50);
      }),
  );
  expect(lag).toBeLessThan(200);
  await expect.poll(built, { timeout: 10_000 }).toBeGreaterThan(first);
  await expect(state(page, "m")).toHaveAttribute("data-state", "running");

  await page.getByTestId("ml-cancel-m").click();
  await expect(state(page, "m")).toHaveAttribute("data-state", "error", { timeout: 15_000 });
  await expect(page.getByTestId("cell-error-m")).toContainText("training cancelled");
  await expect(progress).toHaveCount(0);
  expect(await runs(page, "m")).toBe(before + 1);
  // The previous model's outputs are still there, on the page and in the warehouse.
  await expect(page.getByTestId("ml-results-m")).toBeVisible();
  await expect(page.getByTestId("ml-metrics-m").locator('tr[data-metric="r2"] td[data-split="test"]')).toHaveText(r2Before ?? "");
  const [{ n } = { n: 0 }] = await query(page, "select count(*)::double as n from m__predictions");
  expect(n).toBe(ROWS);

  // Editing the feature list retrains the cell.
  await setCellText(page, "m", mlBody(30, "a, b, c, noise"));
  await expect.poll(() => runs(page, "m"), { timeout: 30_000 }).toBe(before + 2);
  await expect(state(page, "m")).toHaveAttribute("data-state", "fresh");
  await expect(page.getByTestId("ml-importance-m").locator(".mark-rect.role-mark path")).toHaveCount(4);
  const features = await query(page, "select feature from m__importance order by feature");
  expect(features.map((r) => r.feature)).toEqual(["a", "b", "c", "noise"]);

  // A bad feature names the field; the outputs stay.
  await setCellText(page, "m", mlBody(30, "a, b, missing"));
  await expect(state(page, "m")).toHaveAttribute("data-state", "error", { timeout: 30_000 });
  await expect(page.getByTestId("cell-error-m")).toContainText('cell "m": features: no column "missing"');
  await expect(page.getByTestId("ml-results-m")).toBeVisible();
});

test("a classifier over a file extract shows a confusion matrix", async ({ page }) => {
  test.setTimeout(120_000);
  await openNotebook(page, penguinsSlug);
  await expect(state(page, "species_model")).toHaveAttribute("data-state", "fresh", { timeout: 60_000 });
  await expect(page.getByTestId("ml-results-species_model")).toHaveAttribute("data-task", "classification");
  const matrix = page.getByTestId("ml-confusion-species_model");
  await expect(matrix.locator("tbody tr")).toHaveCount(3);
  const [{ n } = { n: 0 }] = await query(page, "select count(*)::double as n from species_model__predictions where split = 'test'");
  const cells = await matrix.locator("td").allTextContents();
  expect(cells.reduce((sum, text) => sum + Number(text), 0)).toBe(n);
  await expect(page.getByTestId("ml-importance-species_model").locator("svg").first()).toBeVisible({ timeout: 15_000 });
  await screenshotCell(page, "species_model", "ml-classifier.png");
});
