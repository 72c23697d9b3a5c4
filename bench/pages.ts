// Every page as a user meets it: a production build (`npm run build` first), a catalog of
// 1,000 assets and 10,000 runs, Chromium. For each page: the server's time to first byte
// (Navigation Timing) and the time until the page is usable (loaded, its heading on screen,
// and no request in flight for 300 ms, the quiet window not counted), median of the
// repeats after one warm-up, in a browser profile on disk as a user's is (it keeps compiled
// code between loads). The notebook also prints when its cells have computed. The baseline, measured in the same run, is the sign-in page,
// the smallest page the app serves; each page prints its ratio to it. Goal: every page
// usable in under 1 s.
// Usage: npm run build && npx tsx bench/pages.ts [assets=1000] [runs=10000] [repeats=5]
import path from "node:path";
import type { Page } from "@playwright/test";
import { createShareLink } from "../lib/catalog/share-links";
import { launchProfile, requireBuild, startApp } from "./app-server";
import { seedCatalog } from "./seed-catalog";

const nAssets = Number(process.argv[2] ?? 1_000);
const nRuns = Number(process.argv[3] ?? 10_000);
const repeats = Number(process.argv[4] ?? 5);
const PORT = 3220;
const QUIET_MS = 300;
const GOAL_MS = 1_000;

interface Target {
  name: string;
  path: string;
  /** A visitor's page: opened without the session. */
  visitor?: boolean;
  /** What is on screen once the page is there. */
  selector: string;
  /** What the page computes after that, in the browser: timed too, in its own column. */
  results?: string;
  /**
   * False for a page whose own work keeps the network busy after it is usable (the notebook's
   * engine fetches its module and asks the server to parse SQL as its cells run): usable
   * when `selector` shows, and that work is timed by `results`.
   */
  quiet?: false;
}

/** Milliseconds from the start of the navigation until the page is usable, and its TTFB. */
async function measure(page: Page, target: Target): Promise<{ ttfb: number; usable: number; results: number; requests: number }> {
  let inFlight = 0;
  let requests = 0;
  let lastActivity = 0;
  const onRequest = () => {
    requests++;
    inFlight++;
    lastActivity = performance.now();
  };
  const onDone = () => {
    inFlight = Math.max(0, inFlight - 1);
    lastActivity = performance.now();
  };
  page.on("request", onRequest);
  page.on("requestfinished", onDone);
  page.on("requestfailed", onDone);
  try {
    const started = performance.now();
    const response = await page.goto(target.path, { waitUntil: "load", timeout: 60_000 });
    if (response?.status() === 404) throw new Absent(target.path);
    if (!response || response.status() >= 400) throw new Error(`${target.path}: HTTP ${response?.status() ?? "no response"}`);
    await page.locator(target.selector).first().waitFor({ state: "visible", timeout: 60_000 });
    let shown = performance.now();
    // Quiet: nothing in flight for QUIET_MS (the data a page fetches after it loads counts).
    while (target.quiet !== false && (inFlight > 0 || performance.now() - lastActivity < QUIET_MS)) await new Promise((r) => setTimeout(r, 20));
    const quietSince = target.quiet === false ? shown : Math.max(shown, lastActivity);
    const ttfb = await page.evaluate(() => {
      const [entry] = performance.getEntriesByType("navigation");
      return entry instanceof PerformanceNavigationTiming ? entry.responseStart - entry.requestStart : NaN;
    });
    shown = quietSince - started;
    let results = NaN;
    if (target.results) {
      await page.locator(target.results).first().waitFor({ state: "visible", timeout: 60_000 });
      results = performance.now() - started;
    }
    return { ttfb, usable: shown, results, requests };
  } finally {
    page.off("request", onRequest);
    page.off("requestfinished", onDone);
    page.off("requestfailed", onDone);
  }
}

/** A page this build does not have (a bench of an older commit). */
class Absent extends Error {}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const ms = (n: number) => `${n.toFixed(0)} ms`.padStart(8);

async function main() {
  requireBuild();
  let shareToken = "";
  let runId = "";
  const app = await startApp({
    port: PORT,
    notebooks: path.resolve(import.meta.dirname, "..", "notebooks"),
    seed: async (store, workspaceId) => {
      const started = performance.now();
      await seedCatalog(store.db, workspaceId, { assets: nAssets, materializations: nAssets * 10, runs: nRuns });
      const owner = await store.db.member.findFirstOrThrow({ where: { workspaceId, role: "owner" } });
      shareToken = (await createShareLink(store.db, { workspaceId, target: { type: "catalog" }, createdById: owner.userId })).token;
      runId = (await store.db.run.findFirstOrThrow({ where: { workspaceId }, orderBy: { createdAt: "desc" } })).id;
      console.log(`seeded ${nAssets.toLocaleString("en-US")} assets, ${(nAssets * 10).toLocaleString("en-US")} materializations, ${nRuns.toLocaleString("en-US")} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    },
  });
  const memberProfile = await launchProfile(app);
  const visitorProfile = await launchProfile(app, { visitor: true });
  const targets: Target[] = [
    { name: "sign-in (baseline)", path: "/login", visitor: true, selector: "button[type=submit]" },
    { name: "home", path: "/", selector: "[data-testid=notebook-list]" },
    // Usable: every cell's editor takes keys. Results: the cells have run on DuckDB-WASM.
    {
      name: "notebook",
      path: "/notebooks/shop",
      selector: "[data-testid='cell-editor-top_customers'] .monaco-editor",
      results: "[data-testid='cell-state-top_customers'][data-state='fresh']",
      quiet: false,
    },
    { name: "changes", path: "/notebooks/shop/changes", selector: "h1" },
    { name: "catalog", path: "/catalog", selector: "[data-testid=catalog-table]" },
    { name: "asset", path: "/catalog/asset_00010", selector: "h1" },
    { name: "lineage", path: "/lineage", selector: "[data-testid=graph-panel] g[role=button]" },
    { name: "runs", path: "/runs", selector: "[data-testid=runs-table]" },
    { name: "run", path: `/runs/${runId}`, selector: "[data-testid=run-status]" },
    { name: "reviews", path: "/reviews", selector: "h1" },
    { name: "settings", path: "/settings", selector: "[data-testid=api-tokens] table, [data-testid=api-tokens] .empty" },
    { name: "members", path: "/settings/members", selector: "[data-testid=members]" },
    { name: "share links", path: "/settings/share-links", selector: "h1" },
    { name: "secrets", path: "/settings/secrets", selector: "h1" },
    { name: "share page", path: `/share/${shareToken}`, visitor: true, selector: "main h1, main h2" },
  ];
  try {
    const member = memberProfile.page;
    const visitor = visitorProfile.page;
    const results: { target: Target; ttfb: number; usable: number; results: number; requests: number }[] = [];
    const absent: string[] = [];
    for (const target of targets) {
      const page = target.visitor ? visitor : member;
      const warm = await measure(page, target).catch((error: unknown) => (error instanceof Absent ? null : Promise.reject(error)));
      if (warm === null) {
        absent.push(target.name);
        continue;
      }
      const samples = [];
      for (let r = 0; r < repeats; r++) samples.push(await measure(page, target));
      results.push({
        target,
        ttfb: median(samples.map((s) => s.ttfb)),
        usable: median(samples.map((s) => s.usable)),
        results: median(samples.map((s) => s.results)),
        requests: median(samples.map((s) => s.requests)),
      });
    }
    const baseline = results[0]?.usable ?? NaN;
    console.log(`\nPages in production mode, Chromium, median of ${repeats} after a warm-up (usable: loaded, heading shown, network quiet)\n`);
    console.log(`${"page".padEnd(20)} ${"TTFB".padStart(8)} ${"usable".padStart(8)} ${"× sign-in".padStart(10)} ${"requests".padStart(9)} ${"results".padStart(8)}`);
    for (const { target, ttfb, usable, results: computed, requests } of results) {
      const resultsColumn = Number.isNaN(computed) ? "".padStart(8) : ms(computed);
      console.log(`${target.name.padEnd(20)} ${ms(ttfb)} ${ms(usable)} ${`${(usable / baseline).toFixed(1)}×`.padStart(10)} ${String(requests).padStart(9)} ${resultsColumn}${usable > GOAL_MS ? "   over the 1 s goal" : ""}`);
    }
    console.log("results: the notebook's cells computed on DuckDB-WASM in the browser (not part of usable).");
    const over = results.filter((r) => r.usable > GOAL_MS).map((r) => r.target.name);
    console.log(over.length === 0 ? `\nEvery page usable in under ${GOAL_MS} ms.` : `\nOver ${GOAL_MS} ms: ${over.join(", ")}.`);
    if (absent.length > 0) console.log(`Not in this build (404): ${absent.join(", ")}.`);
  } finally {
    await memberProfile.close();
    await visitorProfile.close();
    await app.stop();
  }
}

await main();
