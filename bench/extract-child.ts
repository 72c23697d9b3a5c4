// One measured variant of bench/extract, in its own process so its peak RSS is its own.
// Prints one JSON line: { rows, seconds, cpuSeconds (whole process), maxRssMb, peakHeapMb }.
//   baseline DB_DIR PAGES_DIR [lists]  DuckDB's read_json over the saved pages (lists: plus unnest of the list field)
//   ours DB_DIR BASE_URL DISPOSITION [PAGE_SIZE] [bare|wrapped]  runExtract of a REST extract cell (pages of 1,000
//                                       records unless told; wrapped: read from /wrapped, the records under `data`)
//   ours-pages DB_DIR BASE_URL DISPOSITION [PAGE_SIZE] [bare|wrapped]  the same, every record through JavaScript (the page path)
//   baseline-csv DB_DIR CSV_FILE        CREATE TABLE AS SELECT * FROM read_csv over the file
//   baseline-ndjson DB_DIR NDJSON_FILE  CREATE TABLE AS SELECT * FROM read_json over the file
//   ours-file DB_DIR FILE DISPOSITION   runExtract of a file extract cell reading it (its folder is the data directory;
//                                       DISPOSITION replace-nokey: replace, rows keyed by their content)
//   ours-file-pages DB_DIR FILE DISPOSITION  the same, every record through JavaScript (the page path)
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { readFilePages } from "../lib/extract/file";
import { runExtract, type ExtractContext } from "../lib/extract/run";
import { parseNotebook } from "../lib/notebook";
import type { ExtractCell } from "../lib/notebook/types";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";

const [mode, dbDir, arg, disposition, pageSize = "1000", body = "bare"] = process.argv.slice(2);
if (!dbDir || !arg) throw new Error("usage: extract-child baseline|ours DB_DIR PAGES_DIR|BASE_URL [DISPOSITION]");

// The JS heap's share of the peak, sampled (the rest is DuckDB, Node and tsx).
let peakHeap = 0;
const sampler = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 20);

function report(rows: number, ms: number): void {
  clearInterval(sampler);
  const usage = process.resourceUsage();
  // maxRSS is in kilobytes; CPU times (all threads, DuckDB's too) in microseconds.
  const maxRssMb = usage.maxRSS / 1024;
  const cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  process.stdout.write(`${JSON.stringify({ rows, seconds: ms / 1000, cpuSeconds, maxRssMb, peakHeapMb: peakHeap / 2 ** 20 })}\n`);
}

/** The bench's extract cell: `source` keys, keyed by id (unless the disposition says `replace-nokey`: by content), with the run's write disposition. */
function extractCell(source: string): ExtractCell {
  const keyed = disposition !== "replace-nokey";
  const keys = `${keyed ? "primary_key: id\n" : ""}write_disposition: ${keyed ? (disposition ?? "replace") : "replace"}`;
  const parsed = parseNotebook(`\`\`\`extract records\n${source}\n${keys}\n\`\`\`\n`, "bench.md");
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const cell = parsed.notebook.cells.find((c): c is ExtractCell => c.type === "asset" && c.kind === "extract");
  if (!cell) throw new Error("no extract cell");
  return cell;
}

/** runExtract into a fresh file warehouse whose data directory is `dataDir`: [rows, ms]. */
async function timedExtract(cell: ExtractCell, dataDir: string, context: ExtractContext, pagesOnly = false): Promise<[number, number]> {
  const warehouse = await openDuckDbWarehouse({ path: path.join(dbDir ?? "", "ours.duckdb"), dataDir });
  const t0 = performance.now();
  // pagesOnly: the page path, as before files were read by the warehouse (for comparison).
  const outcome = await runExtract(pagesOnly ? { ...warehouse, files: undefined } : warehouse, cell, context);
  const ms = performance.now() - t0;
  if (!outcome.ok) throw new Error(outcome.reason);
  await warehouse.close();
  return [outcome.rows, ms];
}

if (mode === "baseline") {
  const instance = await DuckDBInstance.create(path.join(dbDir, "baseline.duckdb"));
  const connection = await instance.connect();
  const pages = `read_json('${path.join(arg, "*.json")}')`;
  const t0 = performance.now();
  if (disposition === "lists") {
    // The list field as DuckDB alone would load it: the records without it, then its items unnested.
    await connection.run(`CREATE TABLE t AS SELECT * EXCLUDE (tags) FROM ${pages}`);
    await connection.run(`CREATE TABLE t__tags AS SELECT id, unnest(tags, recursive := true) FROM ${pages}`);
  } else {
    await connection.run(`CREATE TABLE t AS SELECT * FROM ${pages}`);
  }
  const ms = performance.now() - t0;
  const reader = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM t");
  const rows = Number(reader.getRowObjectsJS()[0]?.n ?? 0);
  connection.closeSync();
  instance.closeSync();
  report(rows, ms);
} else if (mode === "baseline-csv" || mode === "baseline-ndjson") {
  const instance = await DuckDBInstance.create(path.join(dbDir, "baseline.duckdb"));
  const connection = await instance.connect();
  const t0 = performance.now();
  await connection.run(`CREATE TABLE t AS SELECT * FROM ${mode === "baseline-csv" ? "read_csv" : "read_json"}('${arg}')`);
  const ms = performance.now() - t0;
  const reader = await connection.runAndReadAll("SELECT count(*)::INTEGER AS n FROM t");
  const rows = Number(reader.getRowObjectsJS()[0]?.n ?? 0);
  connection.closeSync();
  instance.closeSync();
  report(rows, ms);
} else if (mode === "ours-file" || mode === "ours-file-pages") {
  const dataDir = path.dirname(arg);
  const cell = extractCell(`source: file\npath: ${path.basename(arg)}`);
  report(...(await timedExtract(cell, dataDir, { resolveSecret: () => undefined, dataDir, readFilePages }, mode === "ours-file-pages")));
} else if (mode === "ours" || mode === "ours-pages") {
  // page_limit: room for small pages (10,000 pages by default).
  const where = body === "wrapped" ? "path: wrapped\ndata_path: data" : "path: records";
  const cell = extractCell(`source: rest\nbase_url: ${arg}\n${where}\npaginator: { type: page_number, page_param: page, size_param: per_page, size: ${Number(pageSize)} }\npage_limit: 10000000`);
  report(...(await timedExtract(cell, dbDir, { resolveSecret: () => undefined }, mode === "ours-pages")));
} else {
  throw new Error(`unknown mode ${String(mode)}`);
}
