// The cell editor never loses or reorders a key, however busy the page: fast typing (15 ms
// a key) into a cell while the main thread is slowed 6× and a heavy query below it reruns
// after each pause. The saved file must hold exactly what was typed. Enter starts a new line
// even with suggestions open, and completion offers the tables the notebook has now.
import { copyFile, readFile, unlink } from "node:fs/promises";
import path from "node:path";
import { parseNotebook } from "../lib/notebook";
import { expect, test } from "./fixtures";

const slug = `e2e-typing-${Math.random().toString(36).slice(2, 8)}`;
const notebooksDir = path.join(process.cwd(), "notebooks");
const file = path.join(notebooksDir, `${slug}.md`);

test.describe.configure({ mode: "serial" });
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

test("Enter starts a new line while suggestions show, and a renamed asset's old name is not suggested", async ({ page }) => {
  await page.goto(`/notebooks/${slug}`);
  const editorOf = (name: string) => page.getByTestId(`cell-editor-${name}`).locator(".monaco-editor");
  await expect(editorOf("orders")).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("cell-state-customers")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });

  // Rename customers to clients: once it has run under its new name, completion offers clients, not customers.
  const name = page.getByTestId("cell-customers").getByRole("textbox", { name: "Asset name" });
  await name.fill("clients");
  await name.press("Enter");
  await expect(page.getByTestId("cell-state-clients")).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });

  // What is typed stays SQL at every pause (DuckDB takes a trailing comma), so no parse is refused on the way.
  const topState = page.getByTestId("cell-state-top_customers");
  const runsBefore = Number(await topState.getAttribute("data-runs"));
  await editorOf("top_customers").locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.insertText("select\n  1 as a,\n");
  // Completion learns the tables when the session has nothing left to run: wait for this edit's run.
  await expect(async () => expect(Number(await topState.getAttribute("data-runs"))).toBeGreaterThan(runsBefore)).toPass({ timeout: 45_000 });
  await expect(topState).toHaveAttribute("data-state", "fresh", { timeout: 45_000 });
  await page.keyboard.type("cl", { delay: 30 });
  const suggestions = page.locator(".suggest-widget.visible");
  await expect(suggestions).toBeVisible();
  await expect(suggestions.locator(".monaco-list-row").first()).toContainText("clients");
  await page.keyboard.press("Enter");
  await page.keyboard.type("x,", { delay: 30 });
  await page.keyboard.press("Escape");
  await page.keyboard.press("Enter");
  await page.keyboard.type("cu", { delay: 30 });
  await expect(suggestions).toBeVisible();
  const labels = await suggestions.locator(".monaco-list-row .label-name").allTextContents();
  expect(labels.length).toBeGreaterThan(0);
  expect(labels).not.toContain("customers");
  await page.keyboard.press("Escape");

  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("save-state")).toHaveAttribute("data-dirty", "false", { timeout: 20_000 });
  const saved = parseNotebook(await readFile(file, "utf8"), `${slug}.md`);
  if (!saved.ok) throw new Error("the saved notebook does not parse");
  const top = saved.notebook.cells.find((cell) => cell.type === "asset" && cell.name === "top_customers");
  // "cl", Enter (a new line, kept indented, not the suggestion), "x,", then a new line and "cu".
  expect(top?.type === "asset" && top.kind === "sql" ? top.config.sql : "").toBe("select\n  1 as a,\n  cl\n  x,\n  cu");
});
