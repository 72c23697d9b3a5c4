// ML benchmark: our random forest and gradient boosting (100 trees, depth 8) against
// scikit-learn's RandomForestRegressor (n_jobs=1) and HistGradientBoostingRegressor (one
// OpenMP thread), on the same rows and the same train/test split.
// Data sets: cars (predict Miles_per_Gallon) and flights-200k (predict delay). They come from
// node_modules/vega-datasets when it is installed; otherwise deterministic look-alikes are
// generated here. Each set is written to a CSV (with an is_test column) that
// bench/ml_sklearn.py reads, so both sides see identical rows.
// Our time is a whole train() call: encoding, binning, fitting, predicting every row, metrics.
// Goals: test r2 within 0.02 of scikit-learn's, train time <= 2x scikit-learn's.
// Run: npx tsx bench/ml.ts
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { splitRows, train, type MlTrainConfig } from "../lib/ml/index";
import { createRandom } from "../lib/ml/random";

interface BenchSet {
  name: string;
  source: string;
  target: string;
  features: string[];
  columns: Record<string, number[]>;
}

const VEGA = path.resolve(import.meta.dirname, "../node_modules/vega-datasets/data");
const TREES = 100;
const DEPTH = 8;
const MIN_SAMPLES_LEAF_BOOSTING = 20;
const SPLIT = { test: 0.2, seed: 42 };
const PYTHON = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function carsSet(): BenchSet {
  const features = ["Cylinders", "Displacement", "Horsepower", "Weight_in_lbs", "Acceleration", "Year"];
  const target = "Miles_per_Gallon";
  const file = path.join(VEGA, "cars.json");
  if (existsSync(file)) {
    const rows: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!Array.isArray(rows)) throw new Error("cars.json is not an array");
    const columns: Record<string, number[]> = Object.fromEntries([target, ...features].map((name) => [name, []]));
    for (const row of rows) {
      const values = [target, ...features].map((name) => {
        const value: unknown = row[name];
        if (name === "Year" && typeof value === "string") return new Date(value).getUTCFullYear();
        return typeof value === "number" ? value : null;
      });
      // scikit-learn 1.2's forest takes no missing values: keep complete rows on both sides.
      if (values.some((value) => value === null)) continue;
      values.forEach((value, i) => columns[[target, ...features][i]!]!.push(value ?? 0));
    }
    return { name: "cars", source: "vega-datasets cars.json", target, features, columns };
  }
  const random = createRandom(406);
  const columns: Record<string, number[]> = Object.fromEntries([target, ...features].map((name) => [name, []]));
  for (let i = 0; i < 406; i++) {
    const cylinders = [4, 4, 4, 6, 6, 8, 8, 3, 5][Math.floor(random() * 9)]!;
    const displacement = cylinders * 40 + gaussian(random) * 20;
    const horsepower = 20 + displacement * 0.45 + gaussian(random) * 12;
    const weight = 1500 + displacement * 7 + gaussian(random) * 250;
    const acceleration = 21 - horsepower / 25 + gaussian(random) * 1.5;
    const year = 70 + Math.floor(random() * 13);
    const mpg = 55_000 / weight + 0.6 * (year - 76) - 0.02 * (horsepower - 100) + gaussian(random) * 2.5;
    const row = [mpg, cylinders, displacement, horsepower, weight, acceleration, year];
    row.forEach((value, j) => columns[[target, ...features][j]!]!.push(Math.round(value * 10) / 10));
  }
  return { name: "cars", source: "synthetic look-alike (vega-datasets not installed)", target, features, columns };
}

function flightsSet(): BenchSet {
  const file = path.join(VEGA, "flights-200k.json");
  if (existsSync(file)) {
    const rows: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (!Array.isArray(rows)) throw new Error("flights-200k.json is not an array");
    const pick = (name: string) => rows.map((row) => (typeof row[name] === "number" ? Number(row[name]) : 0));
    return {
      name: "flights-200k",
      source: "vega-datasets flights-200k.json",
      target: "delay",
      features: ["distance", "time"],
      columns: { delay: pick("delay"), distance: pick("distance"), time: pick("time") },
    };
  }
  const random = createRandom(200_000);
  const n = 200_000;
  const columns: Record<string, number[]> = { delay: [], distance: [], dep_hour: [], day_of_week: [], month: [] };
  for (let i = 0; i < n; i++) {
    const distance = Math.round(Math.exp(5 + random() * 3)); // about 150 to 3,000 miles
    const hour = Math.round((5 + random() * 19) * 60) / 60;
    const day = Math.floor(random() * 7);
    const month = 1 + Math.floor(random() * 12);
    // Delays build up through the day, peak on Fridays and in summer and December;
    // short hops suffer from congestion. Heavy noise, as in real flight data.
    const signal =
      -4 +
      0.12 * Math.max(0, hour - 9) ** 2 +
      (day === 4 ? 6 : day === 5 || day === 6 ? -3 : 0) +
      (month >= 6 && month <= 8 ? 7 : month === 12 ? 9 : 0) +
      12 * Math.exp(-distance / 300) +
      (hour > 17 && month === 12 ? 10 : 0);
    const row = { delay: Math.round(signal + gaussian(random) * 14), distance, dep_hour: hour, day_of_week: day, month };
    for (const [name, value] of Object.entries(row)) columns[name]!.push(value);
  }
  return {
    name: "flights-200k",
    source: "synthetic look-alike (vega-datasets not installed)",
    target: "delay",
    features: ["distance", "dep_hour", "day_of_week", "month"],
    columns,
  };
}

interface Measured {
  seconds: number;
  r2: number;
}

async function ours(set: BenchSet, model: "random_forest" | "gradient_boosting", runs: number): Promise<Measured> {
  const config: MlTrainConfig = {
    target: set.target,
    features: set.features,
    model,
    task: "regression",
    params:
      model === "random_forest"
        ? { trees: TREES, max_depth: DEPTH, min_samples_leaf: 1, max_features: 1 }
        : { trees: TREES, max_depth: DEPTH, min_samples_leaf: MIN_SAMPLES_LEAF_BOOSTING, learning_rate: 0.1 },
    split: SPLIT,
  };
  const times: number[] = [];
  let r2 = NaN;
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    const { metrics } = await train(config, set.columns);
    times.push((performance.now() - start) / 1000);
    r2 = metrics.find((row) => row.metric === "r2" && row.split === "test")?.value ?? NaN;
  }
  return { seconds: median(times), r2 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function writeCsv(set: BenchSet, directory: string): string {
  const rowCount = set.columns[set.target]!.length;
  const { test } = splitRows(Uint32Array.from({ length: rowCount }, (_, i) => i), SPLIT.test, SPLIT.seed);
  const isTest = new Uint8Array(rowCount);
  for (const row of test) isTest[row] = 1;
  const names = [...set.features, set.target];
  const lines = [[...names, "is_test"].join(",")];
  for (let row = 0; row < rowCount; row++) lines.push([...names.map((name) => set.columns[name]![row]!), isTest[row]].join(","));
  const file = path.join(directory, `${set.name}.csv`);
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

function sklearn(csv: string, runs: number): Record<string, Measured> {
  const script = path.resolve(import.meta.dirname, "ml_sklearn.py");
  const result = spawnSync(PYTHON, [script, csv, String(TREES), String(DEPTH), String(MIN_SAMPLES_LEAF_BOOSTING), String(runs)], {
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1" },
  });
  if (result.status !== 0) throw new Error(`scikit-learn failed: ${result.stderr}`);
  const parsed: unknown = JSON.parse(result.stdout);
  if (typeof parsed !== "object" || parsed === null) throw new Error("unexpected scikit-learn output");
  const measured: Record<string, Measured> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value === "object" && value !== null && "seconds" in value && "r2" in value) {
      measured[name] = { seconds: Number(value.seconds), r2: Number(value.r2) };
    }
  }
  return measured;
}

const directory = mkdtempSync(path.join(tmpdir(), "bench-ml-"));
const lines: string[] = [];
let allMet = true;
for (const [set, runs] of [
  [carsSet(), 5],
  [flightsSet(), 1],
] as const) {
  const rowCount = set.columns[set.target]!.length;
  console.log(`${set.name}: ${rowCount} rows × ${set.features.length} features (${set.source})`);
  const reference = sklearn(writeCsv(set, directory), runs);
  for (const model of ["random_forest", "gradient_boosting"] as const) {
    const mine = await ours(set, model, runs);
    const theirs = reference[model];
    if (theirs === undefined) throw new Error(`no scikit-learn figure for ${model}`);
    const ratio = mine.seconds / theirs.seconds;
    const r2Gap = mine.r2 - theirs.r2;
    const met = ratio <= 2 && r2Gap >= -0.02;
    allMet &&= met;
    lines.push(
      `${set.name.padEnd(13)} ${model.padEnd(18)} ours ${mine.seconds.toFixed(3)} s r2 ${mine.r2.toFixed(4)} | ` +
        `sklearn ${theirs.seconds.toFixed(3)} s r2 ${theirs.r2.toFixed(4)} | time ×${ratio.toFixed(2)} r2 ${r2Gap >= 0 ? "+" : ""}${r2Gap.toFixed(4)} ${met ? "ok" : "MISSED"}`,
    );
    console.log(lines[lines.length - 1]);
  }
}
console.log(`goals (r2 within 0.02, time <= 2x): ${allMet ? "met" : "missed"}; median of 5 runs for cars, 1 for flights`);
