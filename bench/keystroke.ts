// The main thread's cost of one keystroke in a cell editor, in Chromium on a production
// build, against a plain <textarea> on the same page typed the same way (the baseline,
// measured in the same run). Once on a notebook of 5 SQL cells and once on one of 60: a
// keystroke that re-rendered or re-parsed the whole notebook would cost more on the larger.
// Main-thread time is Chromium's own TaskDuration (CDP Performance metrics), summed over the
// typing and divided by the keys; the debounced rerun after the last key is not in it.
// Usage: npm run build && npx tsx bench/keystroke.ts [keys=150] [repeats=3]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CDPSession, Page } from "@playwright/test";
import { launchChromium, ownerPage, requireBuild, startApp } from "./app-server";

const KEYS = Number(process.argv[2] ?? 150);
const REPEATS = Number(process.argv[3] ?? 3);
const PORT = 3230;

function notebookOf(cells: number): string {
  const body = Array.from({ length: cells }, (_, i) =>
    i === 0 ? "```sql c0\nselect range as x from range(1000)\n```\n" : `\`\`\`sql c${i}\nselect x + ${i} as x from c${i - 1}\n\`\`\`\n`,
  );
  return `---\ntitle: Keys ${cells}\n---\n\n${body.join("\n")}`;
}

async function taskSeconds(cdp: CDPSession): Promise<number> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return metrics.find((m) => m.name === "TaskDuration")?.value ?? 0;
}

/** Main-thread ms per key while typing KEYS keys at 20 ms a key into what is focused. */
async function perKey(page: Page, cdp: CDPSession): Promise<number> {
  const text = "x".repeat(KEYS);
  const before = await taskSeconds(cdp);
  await page.keyboard.type(text, { delay: 20 });
  const after = await taskSeconds(cdp);
  return ((after - before) * 1000) / KEYS;
}

/** Waits (up to 30 s) until the page's main thread is busy less than 5% of a second: previews and stats done. */
async function settle(page: Page, cdp: CDPSession): Promise<void> {
  for (let i = 0; i < 30; i++) {
    const before = await taskSeconds(cdp);
    await page.waitForTimeout(1_000);
    if ((await taskSeconds(cdp)) - before < 0.05) return;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main() {
  requireBuild();
  const notebooks = await mkdtemp(path.join(os.tmpdir(), "assetbook-bench-keys-"));
  await writeFile(path.join(notebooks, "small.md"), notebookOf(5));
  await writeFile(path.join(notebooks, "large.md"), notebookOf(60));
  const app = await startApp({ port: PORT, notebooks });
  const browser = await launchChromium();
  try {
    const rows: { notebook: string; textarea: number; cell: number }[] = [];
    for (const [slug, cells] of [["small", 5], ["large", 60]] as const) {
      const page = await ownerPage(browser, app);
      await page.goto(`/notebooks/${slug}`);
      const last = `c${cells - 1}`;
      await page.getByTestId(`cell-state-${last}`).and(page.locator("[data-state='fresh']")).waitFor({ timeout: 120_000 });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send("Performance.enable");
      await settle(page, cdp);
      const textarea: number[] = [];
      const cell: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        // The baseline: a plain textarea on the same page, typed the same way.
        await page.evaluate(() => {
          const area = document.createElement("textarea");
          area.id = "bench-baseline";
          document.body.prepend(area);
        });
        await page.locator("#bench-baseline").focus();
        textarea.push(await perKey(page, cdp));
        await page.evaluate(() => document.getElementById("bench-baseline")?.remove());

        // A comment at the end of the first cell: the text changes, the SQL it runs does not.
        await page.getByTestId("cell-editor-c0").locator(".view-lines").click();
        await page.keyboard.press("ControlOrMeta+End");
        await page.keyboard.type(" -- ");
        await settle(page, cdp);
        cell.push(await perKey(page, cdp));
        await settle(page, cdp);
      }
      rows.push({ notebook: `${cells} cells`, textarea: median(textarea), cell: median(cell) });
      await page.context().close();
    }
    console.log(`\nMain-thread time per keystroke, ${KEYS} keys at 20 ms, median of ${REPEATS} (Chromium, production build)\n`);
    console.log(`${"notebook".padEnd(10)} ${"textarea".padStart(10)} ${"cell".padStart(10)} ${"ratio".padStart(7)} ${"cell − textarea".padStart(16)}`);
    for (const row of rows) {
      const cells = [`${row.textarea.toFixed(2)} ms`.padStart(10), `${row.cell.toFixed(2)} ms`.padStart(10), `${(row.cell / row.textarea).toFixed(1)}×`.padStart(7), `${(row.cell - row.textarea).toFixed(2)} ms`.padStart(16)];
      console.log(`${row.notebook.padEnd(10)} ${cells.join(" ")}`);
    }
    const [small, large] = rows;
    if (small && large) console.log(`\n60 cells against 5: ${(large.cell / small.cell).toFixed(2)}× the cost per key (1× means no whole-notebook work per key)`);
  } finally {
    await browser.close();
    await app.stop();
    await rm(notebooks, { recursive: true, force: true });
  }
}

await main();
