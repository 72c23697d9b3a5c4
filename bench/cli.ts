// The command line's start-up: wall time of a process that runs one SQL statement, against a
// bare Node process that opens DuckDB and runs one statement (the baseline, measured in the
// same run). `assetbook run` of a one-cell notebook stands for "time to first SQL": both
// processes do that one statement and exit, so the difference is start-up. Also `check`,
// `help`, and the same `run` through the TypeScript loader (tsx) on the sources, as the CLI
// started before it was built. Median of N rounds (each runs every process once, so a
// machine that slows midway slows all alike) after a warm-up; peak RSS of each.
// Usage: npx tsx bench/cli.ts [repeats=9]
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const repeats = Number(process.argv[2] ?? 9);
const GOAL = 1.5;
const root = path.resolve(import.meta.dirname, "..");
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-bench-cli-"));
const notebook = path.join(dir, "one.md");
fs.writeFileSync(notebook, "---\ntitle: One\n---\n\n```sql answer\nselect 42 as answer\n```\n");
const rssFile = path.join(dir, "rss");
const preload = ["--import", path.join(root, "bench", "cli-rss.mjs")];

const bare = `import { DuckDBInstance } from "@duckdb/node-api";
const instance = await DuckDBInstance.create(${JSON.stringify(path.join(dir, "bare.duckdb"))});
const connection = await instance.connect();
const reader = await connection.runAndReadAll("select 42 as answer");
if (reader.getRows()[0][0] !== 42) throw new Error("wrong answer");
connection.closeSync();
instance.closeSync();`;

const viaTsx = (args: string[]) => `import { register } from "tsx/esm/api";
register();
const { main } = await import(${JSON.stringify(path.join(root, "bin", "cli.ts"))});
process.exitCode = await main(${JSON.stringify(args)});`;

const cli = path.join(root, "bin", "assetbook.mjs");
const runArgs = (db: string) => ["run", notebook, "--db", path.join(dir, db)];

interface Case {
  name: string;
  args: string[];
}
const cases: Case[] = [
  { name: "bare Node + DuckDB, one statement (baseline)", args: [...preload, "--input-type=module", "-e", bare] },
  { name: "assetbook run (one SQL cell)", args: [...preload, cli, ...runArgs("built.duckdb")] },
  { name: "assetbook check", args: [...preload, cli, "check", notebook] },
  { name: "assetbook help", args: [...preload, cli, "help"] },
  { name: "before: run through tsx (the sources)", args: [...preload, "--input-type=module", "-e", viaTsx(runArgs("tsx.duckdb"))] },
];

function once(c: Case): { ms: number; rssKb: number } {
  fs.rmSync(rssFile, { force: true });
  const started = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: root, encoding: "utf8", env: { ...process.env, BENCH_RSS_FILE: rssFile, NO_COLOR: "1" } });
  const ms = performance.now() - started;
  if (r.status !== 0) throw new Error(`${c.name}: exit ${r.status}\n${r.stderr}`);
  return { ms, rssKb: Number(fs.readFileSync(rssFile, "utf8")) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

try {
  // The launcher builds when a source is newer than the build: build before timing.
  spawnSync(process.execPath, [cli, "help"], { cwd: root });
  // Rounds that run every case once, so a machine that slows down midway slows them all alike.
  for (const c of cases) once(c);
  const samples = cases.map(() => [] as { ms: number; rssKb: number }[]);
  for (let round = 0; round < repeats; round++) cases.forEach((c, i) => samples[i]?.push(once(c)));
  const results = cases.map((c, i) => {
    const own = samples[i] ?? [];
    return { c, ms: median(own.map((s) => s.ms)), rssMb: Math.max(...own.map((s) => s.rssKb)) / 1024 };
  });
  const baseline = results[0]?.ms ?? NaN;
  console.log(`\nCommand line start-up, median of ${repeats} after a warm-up (wall time of the whole process)\n`);
  console.log(`${"process".padEnd(48)} ${"wall".padStart(8)} ${"× bare".padStart(7)} ${"peak RSS".padStart(9)}`);
  for (const { c, ms, rssMb } of results) console.log(`${c.name.padEnd(48)} ${`${ms.toFixed(0)} ms`.padStart(8)} ${`${(ms / baseline).toFixed(2)}×`.padStart(7)} ${`${rssMb.toFixed(0)} MB`.padStart(9)}`);
  const run = results[1]?.ms ?? NaN;
  console.log(`\nGoal: time to first SQL at most ${GOAL}× the bare process: ${(run / baseline).toFixed(2)}× ${run / baseline <= GOAL ? "(met)" : "(not met)"}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
