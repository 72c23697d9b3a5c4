// The extract cell end to end against a real local HTTP server (the fitness API fixture)
// and a real DuckDB file: incremental runs, merge idempotency, and SIGKILL at any point.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { childScript } from "../../test/child-script";
import { activity, startFitnessApi, type FitnessApi } from "../../fixtures/fitness-api/api";
import { parseNotebook } from "../notebook";
import type { ExtractCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { readFilePages } from "./file";
import { runExtract } from "./run";
import { PREFETCH_DEPTH } from "./http/requests-ahead";

const TOKEN = "test-token-9f8e7d";
let dir: string;
let api: FitnessApi;

function ridesNotebook(baseUrl: string, extra = ""): string {
  return `\`\`\`extract activities
source: rest
base_url: ${baseUrl}
auth: { type: bearer, token: secret:FITNESS_TOKEN }
path: athlete/activities
paginator: { type: page_number, page_param: page, size_param: per_page, size: 100 }
primary_key: id
write_disposition: merge
incremental: { cursor: start_date, initial: "2024-01-01T00:00:00Z", param: after, format: epoch }
contract: { columns: evolve, data_type: freeze }
${extra}\`\`\`
`;
}

function extractCell(text: string): ExtractCell {
  const parsed = parseNotebook(text, "rides.md");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const cell = parsed.notebook.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!cell) throw new Error("no extract cell");
  return cell;
}

const context = { resolveSecret: (name: string) => (name === "FITNESS_TOKEN" ? TOKEN : undefined) };

async function state(wh: Warehouse) {
  return {
    activities: await wh.query("select * from activities order by id"),
    laps: await wh.query("select * from activities__laps order by _parent_key, _index"),
    cursor: await wh.readState("extract:activities:cursor"),
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-extract-"));
});
afterEach(async () => {
  await api?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("runExtract against the fitness API", () => {
  it("loads, then sends the stored cursor and loads only new rows; a rerun changes nothing", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 250 });
    const warehouse = await openDuckDbWarehouse({ path: path.join(dir, "wh.duckdb"), dataDir: dir });
    const cell = extractCell(ridesNotebook(api.url));
    const first = await runExtract(warehouse, cell, context);
    expect(first).toMatchObject({ ok: true, rows: 250 });
    const firstRequest = new URL(api.requests[0] ?? "", "http://x");
    expect(firstRequest.pathname).toBe("/api/v3/athlete/activities");
    expect(Object.fromEntries(firstRequest.searchParams)).toEqual({ page: "1", per_page: "100", after: String(Date.UTC(2024, 0, 1) / 1000) });
    // Pages 1 to 3 (the last is short), once each; any other was requested ahead of page 3 and dropped.
    const pages = api.requests.map((request) => Number(new URL(request, "http://x").searchParams.get("page")));
    expect(pages.filter((page) => page <= 3).sort()).toEqual([1, 2, 3]);
    expect(pages.filter((page) => page > 3).length).toBeLessThan(PREFETCH_DEPTH);
    const cursor = await warehouse.readState("extract:activities:cursor");
    expect(cursor).toBe(activity(249).start_date);

    api.addActivities(30);
    api.requests.length = 0;
    const second = await runExtract(warehouse, cell, context);
    expect(second.ok).toBe(true);
    expect(api.requests[0]).toContain(`after=${Date.parse(activity(249).start_date) / 1000}`);
    const [counts] = await warehouse.query("select count(*) as n, count(distinct id) as ids from activities");
    expect(counts).toEqual({ n: 280, ids: 280 });
    if (second.ok) expect(second.load.records.loaded).toBe(30);

    const before = await state(warehouse);
    const third = await runExtract(warehouse, cell, context);
    // Nothing new came, and the table still holds its 280 rows: that is its row count, not 0.
    expect(third).toMatchObject({ ok: true, rows: 280 });
    expect(await state(warehouse)).toEqual(before);
    expect(await warehouse.describe("activities")).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "map__summary_polyline", type: "VARCHAR" })]),
    );
    await warehouse.close();
  });

  it("names the cell and redacts the token when the API refuses it, and writes nothing", async () => {
    api = await startFitnessApi({ token: "another-token" });
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    const outcome = await runExtract(warehouse, extractCell(ridesNotebook(api.url)), context);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) {
      expect(outcome.reason).toMatch(/^cell "activities": .*401/);
      expect(outcome.reason).not.toContain(TOKEN);
    }
    expect(await warehouse.describe("activities")).toBeNull();
    await warehouse.close();
  });

  it("a failing check on the staged data keeps the old tables and cursor", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 120 });
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    expect((await runExtract(warehouse, extractCell(ridesNotebook(api.url)), context)).ok).toBe(true);
    const before = await state(warehouse);
    api.addActivities(10);
    const strict = extractCell(ridesNotebook(api.url, "checks: [row_count(max=120)]\n"));
    const outcome = await runExtract(warehouse, strict, context);
    expect(outcome.ok).toBe(false);
    if (!outcome.ok) expect(outcome.reason).toContain("row_count(max=120) failed");
    expect(await state(warehouse)).toEqual(before);
    expect(await warehouse.query("select table_name from information_schema.tables where table_name like '_ab_%'")).toEqual([]);
    await warehouse.close();
  });
});

describe("an extract killed with SIGKILL", () => {
  const child = path.join(import.meta.dirname, "__fixtures__", "extract-child.ts");
  let script: string;
  beforeAll(async () => {
    script = await childScript(child);
  });

  function runChild(dbPath: string, notebook: string, killAt: { page: number; delayMs: number } | null): Promise<string> {
    return new Promise((resolve, reject) => {
      const proc = spawn(process.execPath, [script, dbPath, dir], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, FITNESS_TOKEN: TOKEN, NOTEBOOK_TEXT: notebook },
      });
      let out = "";
      let err = "";
      let armed = false;
      proc.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (killAt && !armed && out.includes(`page ${killAt.page}\n`)) {
          armed = true;
          setTimeout(() => proc.kill("SIGKILL"), killAt.delayMs);
        }
      });
      proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
      proc.on("error", reject);
      proc.on("exit", (code, signal) => (signal === "SIGKILL" || code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${err}`))));
    });
  }

  it("mid-pagination and mid-load leaves data and cursor as before; the next run has no gaps or duplicates", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 300, delayMs: 20 });
    const dbPath = path.join(dir, "wh.duckdb");
    const notebook = ridesNotebook(api.url);
    expect(await runChild(dbPath, notebook, null)).toContain("done 300");
    let warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir: dir });
    const before = await state(warehouse);
    await warehouse.close();

    api.addActivities(2000);
    // Page 1 of 21: mid-pagination. Page 21 (the last) plus a moment: in the load and swap.
    const kills = [
      { page: 1, delayMs: 0 },
      { page: 10, delayMs: 5 },
      { page: 21, delayMs: 0 },
      { page: 21, delayMs: 15 },
      { page: 21, delayMs: 40 },
    ];
    for (const killAt of kills) {
      const out = await runChild(dbPath, notebook, killAt);
      warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir: dir });
      const now = await state(warehouse);
      await warehouse.close();
      // Whole runs only: either nothing of this run (the kill came before the commit) or
      // all of it with its cursor (the kill came after the commit, maybe before "done").
      const complete = now.activities.length === 2300 && now.cursor === activity(2299).start_date;
      if (complete) break;
      expect(out).not.toContain("done");
      expect(now).toEqual(before);
    }
    expect(await runChild(dbPath, notebook, null)).toMatch(/done \d+/);
    warehouse = await openDuckDbWarehouse({ path: dbPath, dataDir: dir });
    const [counts] = await warehouse.query(
      "select count(*) as n, count(distinct id) as ids, min(id) as lo, max(id) as hi from activities",
    );
    expect(counts).toEqual({ n: 2300, ids: 2300, lo: 1_000_000, hi: 1_002_299 });
    const [laps] = await warehouse.query("select count(*) as n from activities__laps");
    expect(laps?.n).toBe(Array.from({ length: 2300 }, (_, i) => 1 + (i % 3)).reduce((a, b) => a + b, 0));
    await warehouse.close();
  });
});

describe("incremental without `param`: the source is read whole, and what was loaded is dropped", () => {
  const events = (rows: { id: number; at: string; v: string }[]) => fs.writeFileSync(path.join(dir, "events.json"), JSON.stringify(rows));
  const fileCell = (disposition: string, lag = "") =>
    extractCell(`\`\`\`extract events
source: file
path: events.json
primary_key: id
write_disposition: ${disposition}
incremental: { cursor: at${lag} }
\`\`\`
`);
  const fileContext = () => ({ ...context, dataDir: dir, readFilePages });
  const hour = (h: number) => `2024-05-01T${String(h).padStart(2, "0")}:00:00Z`;

  it("append: a second run loads only the records after the stored cursor, not the whole file again", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    const cell = fileCell("append");
    events([1, 2, 3].map((id) => ({ id, at: hour(id), v: "a" })));
    expect(await runExtract(warehouse, cell, fileContext())).toMatchObject({ ok: true, rows: 3 });
    events([1, 2, 3, 4].map((id) => ({ id, at: hour(id), v: "a" })));
    const second = await runExtract(warehouse, cell, fileContext());
    expect(second).toMatchObject({ ok: true, rows: 4 });
    if (second.ok) expect(second.load.records.loaded).toBe(1);
    expect(await warehouse.query("select id from events order by id")).toEqual([1, 2, 3, 4].map((id) => ({ id })));
    expect(await warehouse.readState("extract:events:cursor")).toBe(hour(4));
    await warehouse.close();
  });

  it("REST without param: every page is fetched, and only the records after the cursor are appended", async () => {
    api = await startFitnessApi({ token: TOKEN, activities: 50 });
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    const cell = extractCell(`\`\`\`extract activities
source: rest
base_url: ${api.url}
auth: { type: bearer, token: secret:FITNESS_TOKEN }
path: athlete/activities
paginator: { type: page_number, page_param: page, size_param: per_page, size: 100 }
primary_key: id
write_disposition: append
incremental: { cursor: start_date }
\`\`\`
`);
    expect(await runExtract(warehouse, cell, context)).toMatchObject({ ok: true, rows: 50 });
    api.addActivities(5);
    api.requests.length = 0;
    const second = await runExtract(warehouse, cell, context);
    expect(api.requests[0]).not.toContain("after=");
    expect(second).toMatchObject({ ok: true, rows: 55 });
    expect(await warehouse.query("select count(*) as n, count(distinct id) as ids from activities")).toEqual([{ n: 55, ids: 55 }]);
    await warehouse.close();
  });

  it("merge with lag: the window before the cursor is read again and merged by key; older records are not", async () => {
    const warehouse = await openDuckDbWarehouse({ path: ":memory:", dataDir: dir });
    const cell = fileCell("merge", ", lag: 2h");
    events([1, 2, 3, 4].map((id) => ({ id, at: hour(id), v: "first" })));
    expect(await runExtract(warehouse, cell, fileContext())).toMatchObject({ ok: true, rows: 4 });
    // Every record changed; only those after 04:00 minus 2 h (03:00 and 04:00) and the new one are read.
    events([1, 2, 3, 4, 5].map((id) => ({ id, at: hour(id), v: "second" })));
    const second = await runExtract(warehouse, cell, fileContext());
    expect(second).toMatchObject({ ok: true, rows: 5 });
    if (second.ok) expect(second.load.records.loaded).toBe(3);
    expect(await warehouse.query("select id, v from events order by id")).toEqual([
      { id: 1, v: "first" },
      { id: 2, v: "first" },
      { id: 3, v: "second" },
      { id: 4, v: "second" },
      { id: 5, v: "second" },
    ]);
    await warehouse.close();
  });
});
