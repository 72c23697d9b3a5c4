// The cell editor never loses or reorders a key, however busy the page: fast typing (15 ms
// a key) into a cell while the main thread is slowed 6× and a heavy query below it reruns
// after each pause. The saved file must hold exactly what was typed.
import { copyFile, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { parseNotebook } from "../lib/notebook";
import { expect, test } from "./fixtures";

const slug = `e2e-typing-${Math.random().toString(36).slice(2, 8)}`;
const notebooksDir = path.join(process.cwd(), "notebooks");
const file = path.join(notebooksDir, `${slug}.md`);

test.beforeAll(() => copyFile(path.join(notebooksDir, "shop.md"), file));
test.afterAll(() => unlink(file).catch(() => undefined));

/** Reads `customers` (it reruns after each edit of that cell) and scans 60 million rows. */
const heavy = `-- checks: unique(customer_id), row_count(min=1, max=10)
select customer_id, count(*) as n
from (select (select max(customer_id) from customers) as customer_id from range(60000000) as t(i) where i % 7 = 3)
group by customer_id`;

test("typing fast into a cell while a heavy query runs keeps every key, in order", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  const editorOf = (name: string) => page.getByTestId(`cell-editor-${name}`).locator(".monaco-editor");
  await expect(editorOf("customers")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("cell-state-customers")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });

  await editorOf("top_customers").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText(heavy);
  await expect(page.getByTestId("cell-state-top_customers")).toHaveAttribute("data-state", /running|queued/, { timeout: 20_000 });

  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 6 });
  const typed = " -- typed fast: select segment from range 1 to 20001 as t where a <> b, then selet nothing";
  try {
    await editorOf("customers").locator(".view-lines").click();
    await page.keyboard.press("ControlOrMeta+End");
    // Every 20 keys, a pause long enough for the debounced rerun to start.
    for (let at = 0; at < typed.length; at += 20) {
      await page.keyboard.type(typed.slice(at, at + 20), { delay: 15 });
      await page.waitForTimeout(400);
    }
  } finally {
    await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  }
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false", { timeout: 20_000 });

  const saved = parseNotebook(await readFile(file, "utf8"), `${slug}.md`);
  if (!saved.ok) throw new Error("the saved notebook does not parse");
  const customers = saved.notebook.cells.find((cell) => cell.type === "asset" && cell.name === "customers");
  expect(customers?.type === "asset" && customers.kind === "sql" ? customers.config.sql : "").toMatch(/from range\(1, 501\) as t\(i\) -- typed fast: select segment from range 1 to 20001 as t where a <> b, then selet nothing$/);
});
