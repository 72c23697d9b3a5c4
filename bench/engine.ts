// Overhead of the engine's stage -> check -> swap against a bare CREATE TABLE AS of the
// same SQL (CREATE OR REPLACE, what a user would write by hand), on a file-backed DuckDB, both measured in this run (ratios, not absolutes).
// Usage: npx tsx bench/engine.ts [rows=10000000] [repeats=3]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { materializeSql } from "../lib/engine/materialize";
import type { Check, SqlCell } from "../lib/notebook/types";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";

const rows = Number(process.argv[2] ?? 10_000_000);
const repeats = Number(process.argv[3] ?? 3);
const sql = `select i as id, i % 1000 as k, (i * 7919) % 10007 / 10007.0 as v, 'name ' || (i % 100) as s from range(${rows}) as t(i)`;

function cell(checks: Check[]): SqlCell {
  return { type: "asset", kind: "sql", name: "bench_asset", infoRest: "", body: sql, line: 1, bodyLine: 2, config: { sql }, deps: [], checks };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-"));
const warehouse = await openDuckDbWarehouse({ path: path.join(dir, "bench.duckdb"), dataDir: dir });
const variants: Record<string, () => Promise<void>> = {
  "bare CREATE TABLE AS": async () => {
    await warehouse.exec(`CREATE OR REPLACE TABLE bare AS (${sql})`);
  },
  "stage+swap, no checks": async () => {
    const r = await materializeSql(warehouse, cell([]));
    if (!r.ok) throw new Error(r.reason);
  },
  "stage+check(not_null)+swap": async () => {
    const r = await materializeSql(warehouse, cell([{ type: "not_null", column: "id", severity: "error" }]));
    if (!r.ok) throw new Error(r.reason);
  },
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
// Warm up once, then interleave the variants so drift on a noisy machine hits all alike.
for (const run of Object.values(variants)) await run();
const entries = Object.entries(variants);
for (let i = 0; i < repeats; i++) {
  // Rotate the order each round so no variant always runs right after the same other one.
  for (const [name, run] of [...entries.slice(i % entries.length), ...entries.slice(0, i % entries.length)]) {
    const t0 = performance.now();
    await run();
    times[name]?.push(performance.now() - t0);
  }
}
const baseline = median(times["bare CREATE TABLE AS"] ?? []);
console.log(`bench/engine: ${rows.toLocaleString("en")} rows, median of ${repeats}`);
for (const [name, ts] of Object.entries(times)) {
  const m = median(ts);
  console.log(`  ${name.padEnd(30)} ${m.toFixed(0).padStart(7)} ms   ${(m / baseline).toFixed(3)}x baseline`);
}
console.log("  goal: stage+check+swap <= 1.10x baseline");
await warehouse.close();
fs.rmSync(dir, { recursive: true, force: true });
