import { mkdir, rm, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// A partitioned notebook in the browser editor: the "Partition" select reruns the cells that
// read `{{ partition.* }}`; SQL runs on DuckDB-WASM with the partition's literals, and the
// extract is previewed by the server with its values (a file per month in the data directory).
// Written here, without external tables: the browser's DuckDB holds only this notebook's cells,
// so notebooks/shop-monthly.md (which reads shop.md's `orders`) cannot preview in the editor.
const tag = Math.random().toString(36).slice(2, 8);
const slug = `e2e-partitions-${tag}`;
const file = path.join(process.cwd(), "notebooks", `${slug}.md`);
// The extract preview route reads files from <repo>/data.
const dataDir = path.join(process.cwd(), "data", `e2e-partitions-${tag}`);

const pad = (n: number) => String(n).padStart(2, "0");
const now = new Date();
const latest = `${now.getUTCFullYear()}-${pad(now.getUTCMonth() + 1)}`;

const notebook = `---
title: Partitioned e2e
partitions: { type: monthly, start: "2024-01-01", timezone: UTC }
---

\`\`\`sql pt_orders
select i as order_id, timestamp '2024-01-01 00:00:00' + to_minutes(cast(hash(i * 7) % 525600 as bigint)) as ordered_at
from range(1, 5001) as t(i)
\`\`\`

\`\`\`sql pt_daily
select cast(date_trunc('day', ordered_at) as date) as day, count(*) as orders
from pt_orders
where ordered_at >= {{ partition.start }} and ordered_at < {{ partition.end }}
group by all
order by day
\`\`\`

\`\`\`extract pt_targets
source: file
path: "e2e-partitions-${tag}/{{ partition.key }}.csv"
write_disposition: replace
\`\`\`
`;

test.beforeAll(async () => {
  await mkdir(dataDir, { recursive: true });
  await writeFile(path.join(dataDir, "2024-03.csv"), "team,target\na,10\nb,20\n");
  await writeFile(path.join(dataDir, "2024-04.csv"), "team,target\na,11\nb,21\nc,31\n");
  await writeFile(path.join(dataDir, `${latest}.csv`), "team,target\na,1\n");
  await writeFile(file, notebook);
});
test.afterAll(async () => {
  await unlink(file).catch(() => undefined);
  await rm(dataDir, { recursive: true, force: true });
});

const state = (page: Page, name: string) => page.getByTestId(`cell-state-${name}`);
/** The first value of the first column of a cell's preview. */
const firstValue = (page: Page, name: string) =>
  page.getByTestId(`preview-${name}`).locator('[role="row"][aria-rowindex="2"] [role="gridcell"][aria-colindex="2"]');

async function choose(page: Page, key: string, runsBefore: number): Promise<void> {
  await page.getByTestId("partition-select").selectOption(key);
  await expect.poll(async () => Number(await state(page, "pt_daily").getAttribute("data-runs")), { timeout: 20_000 }).toBeGreaterThan(runsBefore);
  for (const name of ["pt_daily", "pt_targets"]) await expect(state(page, name)).toHaveAttribute("data-state", "fresh", { timeout: 20_000 });
}

test("the partition select reruns the cells that read the partition, with its rows", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  await expect(page.getByRole("heading", { level: 1, name: "Partitioned e2e" })).toBeVisible();
  // the default partition is the newest that has started
  await expect(page.getByTestId("partition-select")).toHaveValue(latest, { timeout: 45_000 });
  for (const name of ["pt_orders", "pt_daily", "pt_targets"]) await expect(state(page, name)).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await expect(state(page, "pt_targets")).toHaveAttribute("data-rows", "1");
  const ordersRuns = await state(page, "pt_orders").getAttribute("data-runs");

  await choose(page, "2024-03", Number(await state(page, "pt_daily").getAttribute("data-runs")));
  await expect(state(page, "pt_daily")).toHaveAttribute("data-rows", "31");
  await expect(firstValue(page, "pt_daily")).toHaveText("2024-03-01");
  await expect(state(page, "pt_targets")).toHaveAttribute("data-rows", "2");

  await choose(page, "2024-04", Number(await state(page, "pt_daily").getAttribute("data-runs")));
  await expect(state(page, "pt_daily")).toHaveAttribute("data-rows", "30");
  await expect(firstValue(page, "pt_daily")).toHaveText("2024-04-01");
  await expect(state(page, "pt_targets")).toHaveAttribute("data-rows", "3");
  // the cell without placeholders did not run again
  await expect(state(page, "pt_orders")).toHaveAttribute("data-runs", ordersRuns ?? "");
});
