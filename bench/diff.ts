// The data diff against a bare FULL OUTER JOIN ... count(*) of the same two tables (the
// least any keyed comparison must do), on a file-backed DuckDB, both measured in this run.
// Two tables of `rows` rows; 1% of the env rows changed (amount), plus a few added and removed.
// Usage: npx tsx bench/diff.ts [rows=10000000] [repeats=7]. Each repeat runs the variants in
// turn, starting with a different one, so neither always follows the other.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { dataDiff } from "../lib/diff";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";

const rows = Number(process.argv[2] ?? 10_000_000);
const repeats = Number(process.argv[3] ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-diff-"));
const warehouse = await openDuckDbWarehouse({ path: path.join(dir, "bench.duckdb"), dataDir: dir });
await warehouse.exec(
  `CREATE TABLE prod AS SELECT i AS id, i % 1000 AS customer, (i * 7919) % 10007 / 100.0 AS amount, 'item ' || (i % 100) AS item FROM range(${rows}) t(i)`,
);
await warehouse.exec(
  `CREATE TABLE env AS SELECT id, customer, CASE WHEN id % 100 = 7 THEN amount + 1 ELSE amount END AS amount, item FROM prod WHERE id % 100000 <> 3`,
);
await warehouse.exec(`INSERT INTO env SELECT ${rows} + i, 0, 0, 'new' FROM range(100) t(i)`);
const sides = async () => ({
  production: { relation: `"main"."prod"`, columns: (await warehouse.describe("prod")) ?? [] },
  env: { relation: `"main"."env"`, columns: (await warehouse.describe("env")) ?? [] },
});
const { production, env } = await sides();

let last = "";
const variants: Record<string, () => Promise<void>> = {
  "bare FULL OUTER JOIN count(*)": async () => {
    await warehouse.query(`SELECT count(*) FROM prod p FULL OUTER JOIN env e ON p.id = e.id`);
  },
  "data diff by key": async () => {
    const diff = await dataDiff(warehouse, production, env, { key: ["id"] });
    last = `added ${diff.added}, removed ${diff.removed}, changed ${diff.changed}`;
  },
};
const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (const run of Object.values(variants)) await run();
for (let i = 0; i < repeats; i++) {
  const order = Object.entries(variants);
  for (const [name, run] of [...order.slice(i % order.length), ...order.slice(0, i % order.length)]) {
    const start = performance.now();
    await run();
    times[name]?.push(performance.now() - start);
  }
}
const base = median(times["bare FULL OUTER JOIN count(*)"] ?? []);
console.log(`diff of two ${rows.toLocaleString("en")}-row tables (${last}); median of ${repeats}`);
for (const [name, xs] of Object.entries(times)) console.log(`  ${name.padEnd(32)} ${median(xs).toFixed(0).padStart(6)} ms  ${(median(xs) / base).toFixed(2)}x`);
await warehouse.close();
fs.rmSync(dir, { recursive: true, force: true });
