// What a new user meets in the first hour (issue 17): a preview that stops at its cap says
// so on every result computed from it, and the cap can be raised; numbers that can be true
// (a distinct count within the row count, "1 row", bars of a width on an integer axis);
// the external tables a notebook reads drawn in its graph, readable at Fit; and the row count
// of an incremental asset after a production run that brought nothing new is the table's.
import { mkdir, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { z } from "zod";
import { expect, test } from "./fixtures";

const slug = `e2e-first-${Math.random().toString(36).slice(2, 8)}`;
const notebookFile = path.join(process.cwd(), "notebooks", `${slug}.md`);
const dataFile = path.join(process.cwd(), "data", `${slug}`, "trips.csv");
const TRIPS = 2_500;

const NOTEBOOK = `---
title: First hour
external: [orders]
---

\`\`\`extract trips
source: file
path: ${slug}/trips.csv
format: csv
\`\`\`

\`\`\`sql by_weekday
select weekday, count(*) as n from trips group by all order by weekday
\`\`\`

\`\`\`sql trip_count
select count(*) as n from trips
\`\`\`

\`\`\`sql ids
select range as id from range(500)
\`\`\`

\`\`\`chart weekday_bars
from: by_weekday
mark: bar
x: weekday
y: n
\`\`\`

\`\`\`sql order_total
select count(*) as n from orders
\`\`\`
`;

test.describe.configure({ mode: "serial" });
test.use({ viewport: { width: 1440, height: 900 } });
test.beforeAll(async () => {
  await mkdir(path.dirname(dataFile), { recursive: true });
  const lines = ["id,weekday,km", ...Array.from({ length: TRIPS }, (_, i) => `${i},${i % 7},${(i % 40) + 0.5}`)];
  await writeFile(dataFile, `${lines.join("\n")}\n`);
  await writeFile(notebookFile, NOTEBOOK);
});
test.afterAll(async () => {
  await unlink(notebookFile).catch(() => undefined);
  await rm(path.dirname(dataFile), { recursive: true, force: true });
});

const state = (page: Page, name: string) => page.getByTestId(`cell-state-${name}`);

test("a capped preview says it is sampled on every result below it; raising the cap reads everything", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  for (const name of ["trips", "by_weekday", "trip_count"]) await expect(state(page, name)).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "trips")).toHaveAttribute("data-rows", "1000");
  await expect(state(page, "trips")).toHaveAttribute("data-sampled", "trips");
  await expect(state(page, "by_weekday")).toHaveAttribute("data-sampled", "trips");
  await expect(state(page, "trips")).toContainText("sampled");
  await expect(page.getByTestId("sampled-trips")).toContainText("stopped at its row cap");
  await expect(page.getByTestId("sampled-trip_count")).toContainText("Computed from a sample of trips");
  // A cell that reads no sample is not marked.
  await expect(state(page, "ids")).not.toHaveAttribute("data-sampled", /.+/);
  await expect(page.getByTestId("sampled-ids")).toHaveCount(0);
  await page.getByTestId("sampled-trip_count").scrollIntoViewIfNeeded();
  await page.screenshot({ path: "docs/screenshots/preview-sampled.png" });

  await page.getByTestId("preview-cap").selectOption("10000");
  await expect(state(page, "trips")).toHaveAttribute("data-rows", String(TRIPS), { timeout: 45_000 });
  await expect(state(page, "trip_count")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "trips")).not.toHaveAttribute("data-sampled", /.+/);
  await expect(page.getByTestId("sampled-trip_count")).toHaveCount(0);
  await expect(page.getByTestId("preview-trip_count").getByRole("gridcell").filter({ hasText: String(TRIPS) })).toHaveCount(1);
});

test("numbers that can be true: distinct within the rows, one row, bars on an integer axis", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  await expect(state(page, "ids")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "trip_count")).toContainText("1 row");
  await expect(state(page, "trip_count")).not.toContainText("1 rows");
  const header = page.getByTestId("preview-ids").getByTestId("column-header-id");
  await expect(header).toContainText("distinct");
  const distinct = Number(/≈?([\d,]+) distinct/.exec(await header.innerText())?.[1]?.replaceAll(",", "") ?? NaN);
  expect(distinct).toBeGreaterThan(0);
  expect(distinct).toBeLessThanOrEqual(500);

  await expect(state(page, "weekday_bars")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  const bars = page.getByTestId("cell-weekday_bars").locator("svg .mark-rect path");
  await expect(bars).toHaveCount(7);
  const widths = await bars.evaluateAll((paths) => paths.map((p) => (p instanceof SVGGraphicsElement ? p.getBBox().width : 0)));
  for (const width of widths) expect(width).toBeGreaterThan(10);
});

test("the graph draws the external tables the notebook reads, readable at Fit", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  const graph = page.getByTestId("graph-panel");
  await expect(graph.getByTestId("graph-node-orders")).toHaveAttribute("data-state", "external", { timeout: 45_000 });
  await expect(graph.getByTestId("graph-edge-orders-order_total")).toHaveCount(1);
  await graph.getByRole("button", { name: "Fit the graph" }).click();
  const label = graph.getByTestId("graph-node-by_weekday").locator("text").last();
  const height = await label.evaluate((element) => element.getBoundingClientRect().height);
  expect(height).toBeGreaterThanOrEqual(8);
});

const INCREMENTAL = `---
title: First hour incremental
---

\`\`\`extract ${slug.replaceAll("-", "_")}_events
source: file
path: ${slug}/events.csv
format: csv
primary_key: id
write_disposition: merge
incremental: { cursor: ts }
\`\`\`
`;

test("after an incremental run that loads nothing new, the catalog's row count is the table's", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const asset = `${slug.replaceAll("-", "_")}_events`;
  const incrementalSlug = `${slug}-incr`;
  const file = path.join(path.dirname(notebookFile), `${incrementalSlug}.md`);
  const EVENTS = 300;
  const events = ["id,ts", ...Array.from({ length: EVENTS }, (_, i) => `${i},2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}Z`)];
  await writeFile(path.join(path.dirname(dataFile), "events.csv"), `${events.join("\n")}\n`);
  await writeFile(file, INCREMENTAL);
  try {
    const origin = new URL(baseURL ?? "http://127.0.0.1:3100").origin;
    const headers = { origin };
    // Into production the one way there is: build an environment, then promote it.
    const env = `e2e-incr-${Math.random().toString(36).slice(2, 8)}`;
    const built = await page.request.post("/api/lifecycle/build", { headers, data: { env, notebooks: [{ slug: incrementalSlug, text: INCREMENTAL }] } });
    expect(built.ok(), await built.text()).toBe(true);
    const promoted = await page.request.post("/api/lifecycle/promote", { headers, data: { env } });
    expect(promoted.ok(), await promoted.text()).toBe(true);

    const runOnce = async () => {
      const started = await page.request.post("/api/runs", { headers, data: { notebook: incrementalSlug, trigger: "manual" } });
      expect(started.ok(), await started.text()).toBe(true);
      const { id: runId } = z.object({ id: z.string() }).parse(await started.json());
      await expect
        .poll(async () => z.object({ run: z.object({ status: z.string() }) }).parse(await (await page.request.get(`/api/runs/${runId}`)).json()).run.status, { timeout: 60_000 })
        .toBe("succeeded");
    };
    await runOnce();
    // The second run finds nothing past the cursor: it swaps nothing in.
    await runOnce();
    await page.goto(`/catalog/${asset}`);
    await expect(page.getByTestId("row-count")).toHaveText(String(EVENTS));
  } finally {
    await unlink(file).catch(() => undefined);
  }
});
