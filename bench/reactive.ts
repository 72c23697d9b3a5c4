// Reactive rerun benchmark, in Chromium, on a production build it starts (or an app at --url).
// A 5-cell chain over 1M generated rows (c1 -> c2 join+filter -> c3 window -> c4 group by
// -> c5 group by + window) is written to notebooks/bench-reactive-<random>.md, opened at
// /notebooks/<slug>, and c1's SQL is edited in Monaco one keystroke at a time (the last
// digit of a literal, which changes the result). Each sample is timed in the page with
// performance.now(): from the keystroke's keydown to the DOM commit where c5 is fresh with
// its run counter incremented (a MutationObserver, so no Playwright polling is included).
// Reported with and without the editor's debounce (DEBOUNCE_MS, read from the workspace code).
//
// Baseline, in the same page and the same DuckDB: the same five statements as
// `CREATE OR REPLACE TABLE bare_cN AS ...`, in sequence, on the page's own AsyncDuckDB
// worker and the warehouse's own connection. The app exposes no handle on it, so an init
// script wraps `Worker`: it sees the duckdb worker's messages (told apart by its protocol) (the warehouse connection id
// is the first CONNECTION_INFO answered) and posts RUN_QUERY requests with message ids of
// its own (AsyncDuckDB ignores answers it did not ask for). The same watch tells when the
// app has no request in flight, so each sample starts on an idle worker.
//
// Run: npm run build && npx tsx bench/reactive.ts [--runs 15] [--warmup 2]
// (it starts the build on a fresh state, signed in as its owner), or against a running app
// that lets the page in: [--url http://127.0.0.1:3300 --notebooks DIR]
import { readFileSync } from "node:fs";
import { unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { ownerPage, requireBuild, startApp } from "./app-server";
import { addSelfTime, mainThreadEvents, rendererPeakRssMb, workerBusyIdle } from "./reactive-profile";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** An app to measure; without it the bench starts its own production build, signed in as its owner. */
const URL_ARG = arg("url", "").replace(/\/$/, "");
const RUNS = Number(arg("runs", "15"));
const WARMUP = Number(arg("warmup", "2"));
const NOTEBOOKS_ARG = path.resolve(arg("notebooks", "notebooks"));
const GOAL_RATIO = 1.3;
/** `--profile`: a CPU profile of the page's main thread over each measured edit, its self time summed by function. */
const PROFILE = process.argv.includes("--profile");
const TIMEOUT_MS = 120_000;
/** `--timeline`: the median edit's worker requests, posted and answered, after the keystroke. */
const TIMELINE = process.argv.includes("--timeline");

/** The workspace's debounce between an edit and its run, read from the code it ships. */
const DEBOUNCE_MS = (() => {
  const source = readFileSync(path.join(import.meta.dirname, "../app/notebooks/_workspace/use-reactive.ts"), "utf8");
  const match = /export const DEBOUNCE_MS = (\d+)/.exec(source);
  if (!match) throw new Error("DEBOUNCE_MS not found in app/notebooks/_workspace/use-reactive.ts");
  return Number(match[1]);
})();

// Same flags as playwright.config.ts.
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
];

const CELLS = ["c1", "c2", "c3", "c4", "c5"] as const;
/** c1 ends with this filter; each keystroke replaces its last digit. */
const c1 = (digit: number) =>
  `select range as id, (range * 7919) % 1000 as k, (range % 97) * 1.5 as v\nfrom range(1000000)\nwhere range % 10 <> ${digit}`;
const downstream = (t: (name: string) => string) => [
  // join + filter: the rows above their key's mean
  `select a.id, a.k, a.v, m.mean_v\nfrom ${t("c1")} a\njoin (select k, avg(v) as mean_v from ${t("c1")} group by k) m on a.k = m.k\nwhere a.v > m.mean_v`,
  // window: rank within each key
  `select k, id, v, row_number() over (partition by k order by v desc, id) as rn\nfrom ${t("c2")}`,
  // group by: the top 100 of each key
  `select k, count(*) as n, sum(v) as total, max(v) as top\nfrom ${t("c3")}\nwhere rn <= 100\ngroup by k`,
  // group by + window: buckets ranked by total
  `select k % 10 as bucket, sum(n) as n, sum(total) as total, rank() over (order by sum(total) desc) as rnk\nfrom ${t("c4")}\ngroup by k % 10\norder by bucket`,
];

function notebookText(digit: number): string {
  const sqls = [c1(digit), ...downstream((name) => name)];
  const cells = CELLS.map((name, i) => `\`\`\`sql ${name}\n${sqls[i]}\n\`\`\``);
  return `---\ntitle: Bench reactive\n---\n\nA 5-cell chain over 1M generated rows.\n\n${cells.join("\n\n")}\n`;
}

function bareStatements(digit: number): string[] {
  const bare = (name: string) => `bare_${name}`;
  return [c1(digit), ...downstream(bare)].map((sql, i) => `CREATE OR REPLACE TABLE ${bare(CELLS[i]!)} AS (\n${sql}\n)`);
}

// ---- in the page -------------------------------------------------------------------------

interface BenchWindow {
  __bench: {
    workers: Worker[];
    inFlight: Set<number>;
    lastActivity: number;
    connection: number | undefined;
    appRequests: number;
    armed: boolean;
    keydownAt: number | undefined;
    target: { name: string; runs: number } | undefined;
    freshAt: number | undefined;
    startedAt: number | undefined;
    previewAt: number | undefined;
    firstWorkerRequestAt: number | undefined;
    appRequestsAtKey: number;
    /** While armed: each app request to the worker, posted and answered (page clock). */
    log: { what: string; posted: number; done?: number }[];
  };
}

/** Installed before any page script: watches the duckdb worker and the keystroke. */
function initScript(): void {
  const w = window as unknown as BenchWindow;
  const bench: BenchWindow["__bench"] = {
    workers: [],
    inFlight: new Set(),
    lastActivity: performance.now(),
    connection: undefined,
    appRequests: 0,
    armed: false,
    keydownAt: undefined,
    target: undefined,
    freshAt: undefined,
    startedAt: undefined,
    previewAt: undefined,
    firstWorkerRequestAt: undefined,
    appRequestsAtKey: 0,
    log: [],
  };
  w.__bench = bench;
  const Original = window.Worker;
  class Watched extends Original {
    constructor(url: string | URL, options?: WorkerOptions) {
      super(url, options);
      // Turbopack names workers by hash: the duckdb one is told apart by its protocol.
      let duck = false;
      const connects = new Set<number>();
      const logged = new Map<number, { what: string; posted: number; done?: number }>();
      const post = this.postMessage.bind(this) as (message: unknown, transfer?: Transferable[]) => void;
      this.postMessage = ((message: { messageId?: number; type?: string }, transfer?: Transferable[]) => {
        if (!duck && (message?.type === "INSTANTIATE" || message?.type === "CONNECT")) {
          duck = true;
          bench.workers.push(this);
        }
        if (duck && typeof message?.messageId === "number" && message.messageId < 1e9) {
          bench.inFlight.add(message.messageId);
          bench.appRequests += 1;
          bench.lastActivity = performance.now();
          if (bench.armed && bench.keydownAt !== undefined) bench.firstWorkerRequestAt ??= performance.now();
          if (message.type === "CONNECT") connects.add(message.messageId);
          if (bench.armed && bench.freshAt === undefined) {
            const data = (message as { data?: unknown }).data;
            const sql = Array.isArray(data) && typeof data[1] === "string" ? data[1] : "";
            const entry = { what: `${message.type} ${sql}`, posted: performance.now() };
            bench.log.push(entry);
            logged.set(message.messageId, entry);
          }
        }
        post(message, transfer);
      }) as Worker["postMessage"];
      this.addEventListener("message", (event: MessageEvent<{ requestId?: number; type?: string; data?: unknown }>) => {
        const { requestId, type, data } = event.data ?? {};
        if (!duck) return;
        if (typeof requestId !== "number" || requestId >= 1e9 || type === "INSTANTIATE_PROGRESS" || type === "LOG" || type === "PROGRESS_UPDATE") return;
        bench.inFlight.delete(requestId);
        const entry = logged.get(requestId);
        if (entry) {
          entry.done = performance.now();
          logged.delete(requestId);
        }
        bench.lastActivity = performance.now();
        if (type === "CONNECTION_INFO" && connects.has(requestId) && bench.connection === undefined) bench.connection = data as number;
      });
    }
  }
  window.Worker = Watched;

  document.addEventListener(
    "keydown",
    (event) => {
      if (bench.armed && bench.keydownAt === undefined && /^[0-9]$/.test(event.key)) {
        bench.keydownAt = performance.now();
        bench.appRequestsAtKey = bench.appRequests;
      }
    },
    { capture: true },
  );
  const observer = new MutationObserver(() => {
    const target = bench.target;
    if (!bench.armed || !target || bench.keydownAt === undefined) return;
    const first = document.querySelector('[data-testid="cell-state-c1"]');
    if (bench.startedAt === undefined && first && first.getAttribute("data-state") !== "fresh") bench.startedAt = performance.now();
    if (bench.freshAt === undefined) {
      const badge = document.querySelector(`[data-testid="cell-state-${target.name}"]`);
      if (badge?.getAttribute("data-state") === "fresh" && Number(badge.getAttribute("data-runs")) > target.runs) bench.freshAt = performance.now();
    }
    if (bench.freshAt !== undefined && bench.previewAt === undefined) {
      const count = document.querySelector(`[data-testid="preview-${target.name}"] [data-testid="row-count"]`)?.textContent ?? "";
      if (/^\d[\d,]* rows?$/.test(count)) bench.previewAt = performance.now();
    }
  });
  const start = () => observer.observe(document.documentElement, { subtree: true, attributes: true, childList: true, characterData: true });
  if (document.documentElement) start();
  else document.addEventListener("DOMContentLoaded", start);
}

async function waitIdle(page: Page, quietMs = 400): Promise<void> {
  await page.waitForFunction(
    (quiet) => {
      const b = (window as unknown as BenchWindow).__bench;
      return b.inFlight.size === 0 && performance.now() - b.lastActivity > quiet;
    },
    quietMs,
    { timeout: TIMEOUT_MS, polling: 50 },
  );
}

async function allFresh(page: Page): Promise<void> {
  await page.waitForFunction(
    (names) => names.every((n) => document.querySelector(`[data-testid="cell-state-${n}"]`)?.getAttribute("data-state") === "fresh"),
    [...CELLS],
    { timeout: TIMEOUT_MS, polling: 20 },
  );
}

interface Sample {
  log: { what: string; posted: number; done: number }[];
  totalMs: number;
  startMs: number;
  previewMs: number;
  requests: number;
}

/** One keystroke in c1 (its last digit replaced by `digit`), until c5 is fresh again. */
async function editSample(page: Page, digit: number): Promise<Sample> {
  const runs = Number(await page.getByTestId("cell-state-c5").getAttribute("data-runs"));
  const lines = page.getByTestId("cell-editor-c1").locator(".monaco-editor .view-lines");
  await lines.click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.press("Shift+ArrowLeft");
  await page.evaluate((target) => {
    const b = (window as unknown as BenchWindow).__bench;
    Object.assign(b, { armed: true, keydownAt: undefined, freshAt: undefined, startedAt: undefined, previewAt: undefined, firstWorkerRequestAt: undefined, log: [], target });
  }, { name: "c5", runs });
  await page.keyboard.press(String(digit));
  await page.waitForFunction(() => {
    const b = (window as unknown as BenchWindow).__bench;
    return b.freshAt !== undefined && b.previewAt !== undefined;
  }, undefined, { timeout: TIMEOUT_MS, polling: 50 });
  const sample = await page.evaluate(() => {
    const b = (window as unknown as BenchWindow).__bench;
    b.armed = false;
    const t0 = b.keydownAt!;
    return {
      totalMs: b.freshAt! - t0,
      startMs: (b.startedAt ?? NaN) - t0,
      previewMs: b.previewAt! - t0,
      requests: b.appRequests - b.appRequestsAtKey,
      log: b.log.map((e) => ({ what: e.what, posted: e.posted - t0, done: (e.done ?? b.freshAt!) - t0 })),
    };
  });
  await allFresh(page);
  const text = await page.getByTestId("cell-editor-c1").locator(".monaco-editor .view-lines").innerText();
  if (!text.replace(/\u00a0/g, " ").includes(`<> ${digit}`)) throw new Error(`c1 does not end with "<> ${digit}": ${text}`);
  return sample;
}

/** The same five statements, bare, on the page's duckdb worker and the warehouse's connection. */
async function bareSample(page: Page, statements: string[]): Promise<number> {
  return page.evaluate(async (sqls) => {
    const b = (window as unknown as BenchWindow).__bench;
    const worker = b.workers[0]!;
    let next = 1e9 + Math.floor(Math.random() * 1e6) * 100;
    const run = (sql: string) =>
      new Promise<void>((resolve, reject) => {
        const id = next++;
        const listener = (event: MessageEvent<{ requestId: number; type: string; data: { message?: string } }>) => {
          if (event.data?.requestId !== id) return;
          worker.removeEventListener("message", listener);
          if (event.data.type === "ERROR") reject(new Error(event.data.data.message));
          else resolve();
        };
        worker.addEventListener("message", listener);
        worker.postMessage({ messageId: id, type: "RUN_QUERY", data: [b.connection, sql] });
      });
    const t0 = performance.now();
    for (const sql of sqls) await run(sql);
    return performance.now() - t0;
  }, statements);
}

/** What a request is, with names and literals folded, so requests group by kind. */
function kindOf(what: string): string {
  const sql = what.replace(/\s+/g, " ").trim();
  return sql
    .replace(/"[^"]*"/g, "<id>")
    .replace(/'[^']*'/g, "<lit>")
    .replace(/\b\d+(\.\d+)?\b/g, "<n>")
    .slice(0, 90);
}

/** Service time per kind: a request's answer minus when the worker could start it (FIFO). */
function workerTime(samples: Sample[]): [string, { ms: number; count: number }][] {
  const total = new Map<string, { ms: number; count: number }>();
  for (const sample of samples) {
    let previous = -Infinity;
    for (const e of [...sample.log].sort((a, b) => a.done - b.done)) {
      const service = e.done - Math.max(e.posted, previous);
      previous = e.done;
      const key = kindOf(e.what);
      const t = total.get(key) ?? { ms: 0, count: 0 };
      total.set(key, { ms: t.ms + service / samples.length, count: t.count + 1 / samples.length });
    }
  }
  return [...total].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
}

function pct(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] ?? NaN;
}

const ms = (v: number) => `${v.toFixed(0).padStart(6)} ms`;

async function main(): Promise<void> {
  if (URL_ARG === "") requireBuild();
  const own = URL_ARG === "" ? await startApp({ port: 3300, notebooks: NOTEBOOKS_ARG }) : null;
  const BASE_URL = own?.url ?? URL_ARG;
  const slug = `bench-reactive-${Math.random().toString(36).slice(2, 8)}`;
  const file = path.join(own ? path.join(own.dir, "notebooks") : NOTEBOOKS_ARG, `${slug}.md`);
  await writeFile(file, notebookText(1));
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: CHROMIUM_ARGS });
  try {
    const page = own ? await ownerPage(browser, own) : await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on("console", (m) => {
      if (m.type() === "error") console.error(`[page] ${m.text()}`);
    });
    // As source text, with a stand-in for the `__name` helper tsx's transform adds to it.
    await page.addInitScript({ content: `globalThis.__name = (f) => f;\n(${initScript.toString()})();` });
    const t0 = Date.now();
    await page.goto(`${BASE_URL}/notebooks/${slug}`);
    await allFresh(page);
    // From navigation start (the page's clock origin) to all five fresh, in the page.
    const loadMs = await page.evaluate(() => performance.now());
    const loadWallMs = Date.now() - t0;
    await page.getByTestId("cell-editor-c1").locator(".monaco-editor").waitFor({ timeout: TIMEOUT_MS });
    await waitIdle(page);
    const connection = await page.evaluate(() => (window as unknown as BenchWindow).__bench.connection);
    if (connection === undefined) throw new Error("the warehouse's duckdb connection was not seen");

    const edits: Sample[] = [];
    const bare: number[] = [];
    const cdp = PROFILE ? await page.context().newCDPSession(page) : null;
    const selfTime = new Map<string, number>();
    let traceSummary: [string, number][] = [];
    if (cdp) {
      await cdp.send("Profiler.enable");
      await cdp.send("Profiler.setSamplingInterval", { interval: 250 });
    }
    let digit = 1;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      digit = (digit % 9) + 1; // 2, 3, ..., 9, 1, ...: always a different digit
      const profiled = cdp !== null && i >= WARMUP;
      const traced = profiled && i === WARMUP;
      if (traced) await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline", transferMode: "ReturnAsStream" });
      if (profiled) await cdp.send("Profiler.start");
      const edit = await editSample(page, digit);
      if (profiled) addSelfTime(selfTime, (await cdp.send("Profiler.stop")).profile, RUNS);
      if (traced) traceSummary = await mainThreadEvents(cdp);
      await waitIdle(page);
      const base = await bareSample(page, bareStatements(digit));
      await waitIdle(page, 200);
      if (i >= WARMUP) {
        edits.push(edit);
        bare.push(base);
      }
    }
    const rows = Object.fromEntries(await Promise.all(CELLS.map(async (c) => [c, await page.getByTestId(`cell-state-${c}`).getAttribute("data-rows")] as const)));

    const total = edits.map((s) => s.totalMs);
    const net = total.map((t) => t - DEBOUNCE_MS);
    const start = edits.map((s) => s.startMs);
    const preview = edits.map((s) => s.previewMs);
    const requests = edits.map((s) => s.requests);
    console.log(`bench/reactive: ${BASE_URL}/notebooks/${slug}, ${RUNS} samples after ${WARMUP} warm-ups; rows ${CELLS.map((c) => `${c}=${rows[c]}`).join(" ")}`);
    console.log(`initial load (navigation start -> all 5 fresh): ${loadMs.toFixed(0)} ms in the page (${loadWallMs} ms wall from goto)`);
    console.log(`                                   p50        p95`);
    console.log(`keystroke -> c5 fresh          ${ms(pct(total, 50))} ${ms(pct(total, 95))}   (incl. ${DEBOUNCE_MS} ms debounce)`);
    console.log(`  minus debounce               ${ms(pct(net, 50))} ${ms(pct(net, 95))}`);
    console.log(`keystroke -> c5 preview rows   ${ms(pct(preview, 50))} ${ms(pct(preview, 95))}`);
    console.log(`keystroke -> c1 leaves fresh   ${ms(pct(start, 50))} ${ms(pct(start, 95))}   (debounce + parse + graph)`);
    console.log(`bare 5x CREATE OR REPLACE      ${ms(pct(bare, 50))} ${ms(pct(bare, 95))}   (same worker and connection)`);
    const r50 = pct(net, 50) / pct(bare, 50);
    const r95 = pct(net, 95) / pct(bare, 95);
    console.log(`ratio excl. debounce: p50 ${r50.toFixed(2)}x, p95 ${r95.toFixed(2)}x (goal <= ${GOAL_RATIO}x at both): ${r50 <= GOAL_RATIO && r95 <= GOAL_RATIO ? "met" : r50 <= GOAL_RATIO ? "met at p50 only" : "NOT met"}`);
    console.log(`ratio incl. debounce: p50 ${(pct(total, 50) / pct(bare, 50)).toFixed(2)}x, p95 ${(pct(total, 95) / pct(bare, 95)).toFixed(2)}x`);
    console.log(`duckdb worker requests per edit (app): p50 ${pct(requests, 50)}, max ${Math.max(...requests)}`);
    const busyIdle = edits.map((edit) => workerBusyIdle(edit.log));
    console.log(`worker, first request -> last answer: busy p50 ${ms(pct(busyIdle.map((b) => b.busy), 50))}, idle between requests (waiting on the page) p50 ${ms(pct(busyIdle.map((b) => b.idle), 50))}`);
    console.log(`where the worker's time goes, keystroke -> c5 fresh (mean per edit; the worker answers in order):`);
    for (const [what, v] of workerTime(edits)) console.log(`  ${ms(v.ms)}  x${v.count.toFixed(0).padStart(3)}  ${what}`);
    if (TIMELINE) {
      const median = [...edits].sort((a, b) => a.totalMs - b.totalMs)[Math.floor(edits.length / 2)];
      console.log(`the median edit's worker requests (ms after the keystroke; c5 fresh at ${median?.totalMs.toFixed(0)}):`);
      for (const e of median?.log ?? []) console.log(`  ${e.posted.toFixed(0).padStart(5)} -> ${e.done.toFixed(0).padStart(5)}  ${e.what.slice(0, 100)}`);
    }
    console.log(`peak RSS of the page's renderer (its DuckDB worker included; the bare statements ran there too): ${await rendererPeakRssMb(browser)} MB`);
    if (cdp) {
      console.log(`the page's main thread, keystroke -> c5 fresh (self time, mean per edit):`);
      for (const [what, v] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${ms(v)}  ${what}`);
      console.log(`the page's main thread in one traced edit (event durations; nested events overlap):`);
      for (const [what, v] of traceSummary.slice(0, 20)) console.log(`  ${ms(v)}  ${what}`);
    }
  } finally {
    await browser.close();
    await unlink(file).catch(() => undefined);
    await own?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
