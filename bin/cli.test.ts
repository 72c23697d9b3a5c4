// The command line end to end, through the real `bin/assetbook.mjs` in a child process.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBInstance } from "@duckdb/node-api";
import { startFitnessApi } from "../fixtures/fitness-api/api";
import { latestPartitions } from "../lib/engine/partition-plan";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "assetbook.mjs");
let dir: string;

function assetbook(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like assetbook(), but leaves this process free to serve HTTP while the CLI runs. */
function assetbookAsync(env: Record<string, string>, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", ...env } });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function tableRows(db: string, sql: string) {
  const instance = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-cli-"));
  fs.cpSync(path.join(root, "notebooks"), path.join(dir, "notebooks"), { recursive: true });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("assetbook check", () => {
  it("passes the example notebooks", () => {
    const r = assetbook("check", "notebooks/rides.md", "notebooks/shop.md", "notebooks/penguins.md");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("notebooks/shop.md: 5 assets");
    // Who feeds whom (orders' relationships check reads customers), not one chain.
    expect(r.stdout).toContain("customers -> orders, top_customers; orders -> daily_revenue, top_customers; daily_revenue -> revenue_per_day");
  });

  it("names the cycle, the file and the lines, and exits non-zero", () => {
    const file = path.join(dir, "cycle.md");
    fs.writeFileSync(file, "# Cycle\n\n```sql a\nselect * from b\n```\n\n```sql b\nselect * from a\n```\n");
    const r = assetbook("check", "cycle.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cycle.md:3:1 cell "a": cycle: a (line 3) -> b (line 7) -> a');
  });
});

describe("assetbook check reports before running what a run would reject", () => {
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };

  it("run policy keys, extract specs, custom check SQL and partition values, each at its file:line:col", () => {
    write(
      "strict/policy.md",
      [
        "---",
        "partitions: { type: static, keys: [eu, us] }",
        "---",
        "",
        "```extract raw",
        "source: rest",
        "base_url: secret:API_URL",
        "data_path: \"\"",
        'path: "items/{{ partition.start | date }}"',
        "```",
        "",
        "```sql orders",
        "-- retries: x",
        "-- timeout: soon",
        "-- check broken: select * from this where",
        "select * from raw",
        "```",
        "",
      ].join("\n"),
    );
    const r = assetbook("check", "strict/policy.md");
    expect(r.code).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:7:\d+ cell "raw": base_url: expected an http:\/\/ or https:\/\/ URL/));
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:8:\d+ cell "raw": data_path: must not be empty/));
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:9:\d+ cell "raw": .*a static partition has no start/));
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:13:13 cell "orders": retries: /));
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:14:13 cell "orders": timeout: /));
    expect(lines).toContainEqual(expect.stringMatching(/^strict\/policy\.md:15:1 cell "orders": checks: check broken: SQL: /));
  });

  it("takes a directory, and reports an asset two notebooks produce on both sides", () => {
    write("team/a_first.md", "```sql shared_asset\nselect 1 as x\n```\n");
    write("team/b_second.md", "Prose.\n\n```sql shared_asset\nselect 2 as x\n```\n\n```sql only_here\nselect 3 as y\n```\n");
    write("team/Not A Notebook.md", "prose\n");
    const r = assetbook("check", "team");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('team/a_first.md:1:1 cell "shared_asset": asset "shared_asset" is also produced by team/b_second.md:3');
    expect(r.stderr).toContain('team/b_second.md:3:1 cell "shared_asset": asset "shared_asset" is also produced by team/a_first.md:1');
    expect(r.stderr).toMatch(/skipped team\/Not A Notebook\.md: not a notebook name/);
    fs.rmSync(path.join(dir, "team/b_second.md"));
    const fixed = assetbook("check", "team");
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(fixed.stdout).toContain("team/a_first.md: 1 asset");
  });
});

describe("assetbook check, partitioned", () => {
  it("checks a partitioned notebook with neutral values", () => {
    const r = assetbook("check", "notebooks/shop-monthly.md");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("notebooks/shop-monthly.md: 1 asset, partitioned (monthly)");
  });

  it("reports a placeholder that is not a partition value at its file:line:col", () => {
    fs.writeFileSync(path.join(dir, "typo.md"), '---\npartitions: { type: daily, start: "2024-01-01" }\n---\n\n```sql x\nselect {{ partition.strat }} as a,\n  {{ partition.key | date }} as b\n```\n');
    const r = assetbook("check", "typo.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('typo.md:6:8 cell "x": unknown partition value {{ partition.strat }} (did you mean start?)');
    expect(r.stderr).toContain('typo.md:7:3 cell "x": {{ partition.key | date }}: partition.key takes no format');
  });
});

describe("assetbook run --partition", () => {
  const db = () => path.join(dir, "data", "monthly.duckdb");
  /** Orders of each month (UTC, the notebook's time zone), and what each partition of daily_sales counted. */
  const counted = () =>
    tableRows(
      db(),
      `select _partition as p, sum(orders) as counted, (select count(*) from orders o where o.ordered_at >= s.lo and o.ordered_at < s.hi) as expected
       from daily_sales d join (values ('2024-03', timestamp '2024-03-01 00:00', timestamp '2024-04-01 00:00'), ('2024-04', timestamp '2024-04-01 00:00', timestamp '2024-05-01 00:00')) s(k, lo, hi) on s.k = d._partition
       group by all order by p`,
    );

  it("materializes one partition at a time: rows tagged, a rerun replaces only its own", async () => {
    expect(assetbook("run", "notebooks/shop.md", "--db", "data/monthly.duckdb").code).toBe(0);
    const march = assetbook("run", "notebooks/shop-monthly.md", "--db", "data/monthly.duckdb", "--partition", "2024-03");
    expect(march.code, march.stdout + march.stderr).toBe(0);
    expect(march.stdout).toContain("notebooks/shop-monthly.md partition 2024-03 -> data/monthly.duckdb");
    expect(assetbook("run", "notebooks/shop-monthly.md", "--db", "data/monthly.duckdb", "--partition", "2024-04").code).toBe(0);
    const both = await counted();
    expect(both.map((r) => r.p)).toEqual(["2024-03", "2024-04"]);
    for (const row of both) expect(row.counted).toBe(row.expected);
    const april = both[1]?.counted;

    // Fewer orders in March: rerunning March replaces its rows, April's stay as they were.
    const instance = await DuckDBInstance.create(db());
    const connection = await instance.connect();
    await connection.run("delete from orders where ordered_at < timestamp '2024-03-15'");
    connection.closeSync();
    instance.closeSync();
    expect(assetbook("run", "notebooks/shop-monthly.md", "--db", "data/monthly.duckdb", "--partition", "2024-03").code).toBe(0);
    const after = await counted();
    expect(after.map((r) => r.p)).toEqual(["2024-03", "2024-04"]);
    expect(after[0]?.counted).toBe(after[0]?.expected);
    expect(Number(after[0]?.counted)).toBeLessThan(Number(both[0]?.counted));
    expect(after[1]?.counted).toBe(april);
    expect(await tableRows(db(), "select min(day) as first from daily_sales where _partition = '2024-03'")).toEqual([{ first: "2024-03-15" }]);
  });

  it("needs --partition on a partitioned notebook, a real partition, and a partitioned notebook for it", () => {
    const latest = latestPartitions({ type: "monthly", start: "2024-01-01", timezone: "Europe/Paris" }, new Date(), 3).map((w) => w.key);
    const hint = `pass --partition KEY, e.g. ${latest[0]}, ${latest[1]} or ${latest[2]}`;
    const none = assetbook("run", "notebooks/shop-monthly.md", "--db", "data/monthly.duckdb");
    expect(none.code).toBe(2);
    expect(none.stderr.trim()).toBe(`assetbook run: notebooks/shop-monthly.md is partitioned (monthly): ${hint}`);
    const wrong = assetbook("run", "notebooks/shop-monthly.md", "--db", "data/monthly.duckdb", "--partition", "2023-12");
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim()).toBe(`assetbook run: notebooks/shop-monthly.md has no partition "2023-12" (monthly): ${hint}`);
    const unpartitioned = assetbook("run", "notebooks/shop.md", "--db", "data/monthly.duckdb", "--partition", "2024-03");
    expect(unpartitioned.code).toBe(2);
    expect(unpartitioned.stderr.trim()).toBe("assetbook run: notebooks/shop.md is not partitioned: --partition KEY needs partitions: in the notebook's front matter");
  });
});

describe("assetbook run", () => {
  it("creates the tables of the SQL example, and a second run replaces them", async () => {
    const first = assetbook("run", "notebooks/shop.md", "--db", "data/dev.duckdb");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/OK {3}orders \(sql\) 20,000 rows/);
    expect(first.stdout).toContain("Done: 5 succeeded, 0 failed, 0 skipped");
    const db = path.join(dir, "data", "dev.duckdb");
    const counts = "select (select count(*) from customers) c, (select count(*) from orders) o, (select count(*) from top_customers) t";
    expect(await tableRows(db, counts)).toEqual([{ c: "500", o: "20000", t: "10" }]);

    const second = assetbook("run", "notebooks/shop.md", "--db", "data/dev.duckdb", "--select", "orders+");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain("4 assets (orders, daily_revenue, top_customers, revenue_per_day)");
    expect(await tableRows(db, counts)).toEqual([{ c: "500", o: "20000", t: "10" }]);
    const runs = await tableRows(db, "select count(distinct run_id) as runs, count(*) as records from _assetbook.materializations");
    expect(runs).toEqual([{ runs: "2", records: "9" }]);
  });

  it("runs the rides example against the fitness API fixture, with the token from the environment", async () => {
    const api = await startFitnessApi({ port: 4010, token: "cli-test-token" });
    try {
      const r = await assetbookAsync({ FITNESS_TOKEN: "cli-test-token" }, "run", "notebooks/rides.md", "--db", "data/rides.duckdb");
      expect(r.stdout).toMatch(/OK {3}activities \(extract\) 1,200 rows/);
      expect(r.stdout).toMatch(/OK {3}daily_distance \(sql\) \d+ rows/);
      expect(r.stdout).toMatch(/OK {3}energy_model \(ml\) 1,200 rows/);
      expect(r.stdout).toMatch(/OK {3}km_per_day \(chart\)/);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toContain("cli-test-token");
      const [row] = await tableRows(path.join(dir, "data", "rides.duckdb"), "select count(*) as n from activities__laps");
      expect(Number(row?.n)).toBeGreaterThan(1200);
    } finally {
      await api.close();
    }
  });

  it("loads a CSV file source from the data directory and refuses one outside it", async () => {
    fs.mkdirSync(path.join(dir, "data"), { recursive: true });
    fs.writeFileSync(path.join(dir, "data", "cars.csv"), "Name,Miles_per_Gallon,Cylinders\nvw,30.5,4\nford,18,8\nfiat,,4\n");
    const notebook = (file: string) =>
      `\`\`\`extract cars\nsource: file\npath: ${file}\nwrite_disposition: replace\n\`\`\`\n\n\`\`\`sql by_cylinders\nselect cylinders, avg(miles_per_gallon) as mpg from cars group by all\n\`\`\`\n`;
    fs.writeFileSync(path.join(dir, "cars.md"), notebook("cars.csv"));
    const r = assetbook("run", "cars.md", "--db", "data/cars.duckdb");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK {3}cars \(extract\) 3 rows/);
    expect(await tableRows(path.join(dir, "data", "cars.duckdb"), "select cylinders, mpg from by_cylinders order by cylinders")).toEqual([
      { cylinders: "4", mpg: 30.5 },
      { cylinders: "8", mpg: 18 },
    ]);
    fs.writeFileSync(path.join(dir, "cars.md"), notebook("../cars.csv"));
    const outside = assetbook("run", "cars.md", "--db", "data/cars.duckdb");
    expect(outside.code).toBe(1);
    expect(outside.stdout).toContain('FAIL cars (extract)');
    expect(outside.stdout).toContain('cell "cars": path:');
  });

  it("trains the penguins classifier from vega-datasets and SQL reads its metrics", async () => {
    const dataDir = path.join(root, "node_modules", "vega-datasets", "data");
    const r = assetbook("run", "notebooks/penguins.md", "--db", "data/penguins.duckdb", "--data-dir", dataDir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK {3}species_model \(ml\) 344 rows/);
    const accuracy = await tableRows(path.join(dir, "data", "penguins.duckdb"), "select accuracy from species_accuracy where split = 'test'");
    expect(Number(accuracy[0]?.accuracy)).toBeGreaterThan(0.9);
  });

  it("rejects an unknown selection with a suggestion", () => {
    const r = assetbook("run", "notebooks/shop.md", "--db", "data/dev.duckdb", "--select", "order+");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown asset "order"');
  });

  it("a failing check keeps the old table and skips what is below, with exit 1", async () => {
    const nb = path.join(dir, "fail.md");
    const write = (filter: string) =>
      fs.writeFileSync(nb, `\`\`\`sql base\n-- checks: not_null(x)\nselect * from range(5) t(x) ${filter}\n\`\`\`\n\n\`\`\`sql below\nselect count(*) n from base\n\`\`\`\n`);
    write("");
    expect(assetbook("run", "fail.md", "--db", "data/fail.duckdb").code).toBe(0);
    write("union all select null");
    const r = assetbook("run", "fail.md", "--db", "data/fail.duckdb");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL base (sql)");
    expect(r.stdout).toContain('SKIP below (sql): upstream "base" failed');
    expect(await tableRows(path.join(dir, "data", "fail.duckdb"), "select count(*) n from base")).toEqual([{ n: "5" }]);
  });
});

describe("assetbook fmt", () => {
  it("--check fails on a non-canonical file without touching it; fmt then rewrites it", () => {
    const file = path.join(dir, "messy.md");
    const messy = "---\ntitle: Messy\n---\n\n\n\nSome prose.   \n\n```sql one\nselect 1 as x\n```\n";
    fs.writeFileSync(file, messy);
    const check = assetbook("fmt", "--check", "messy.md");
    expect(check.code).toBe(1);
    expect(check.stderr).toContain("messy.md: not in canonical form");
    expect(fs.readFileSync(file, "utf8")).toBe(messy);
    expect(assetbook("fmt", "messy.md").code).toBe(0);
    expect(fs.readFileSync(file, "utf8")).toBe("---\ntitle: Messy\n---\n\nSome prose.\n\n```sql one\nselect 1 as x\n```\n");
    const clean = assetbook("fmt", "--check", "messy.md");
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim()).toBe("1 notebook in canonical form");
  });

  it("refuses to rewrite a notebook with errors", () => {
    const file = path.join(dir, "bad.md");
    const bad = "```sql one\n-- checks: nul_not(x)\nselect 1 as x\n```\n\n\n";
    fs.writeFileSync(file, bad);
    const r = assetbook("fmt", "bad.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.md:2:12 cell "one": checks: unknown check "nul_not"');
    expect(fs.readFileSync(file, "utf8")).toBe(bad);
  });

  it("the example notebooks are canonical", () => {
    expect(assetbook("fmt", "--check").code).toBe(0);
  });
});

describe("SQL contracts and dbt-utils checks through run", () => {
  it("a frozen contract fails a build whose columns changed, naming them, and keeps the old table; warn reports and swaps", async () => {
    const file = path.join(dir, "contract.md");
    const notebook = (level: string, select: string) =>
      `\`\`\`sql totals\n-- contract: ${level}\n-- checks: accepted_range(amount, min=0), expression_is_true(amount < 1000)\n${select}\n\`\`\`\n`;
    fs.writeFileSync(file, notebook("freeze", "select 1 as id, 10 as amount"));
    expect(assetbook("run", "contract.md", "--db", "contract.duckdb").code).toBe(0);

    fs.writeFileSync(file, notebook("freeze", "select 1 as id, 10.5 as amount, 'x' as note"));
    const frozen = assetbook("run", "contract.md", "--db", "contract.duckdb");
    expect(frozen.code).toBe(1);
    expect(frozen.stdout).toMatch(/FAIL totals .*check contract failed: the output columns changed since the last materialization \(contract: freeze\): added note \(VARCHAR\), amount INTEGER -> DECIMAL\(3,1\)/);
    expect(await tableRows(path.join(dir, "contract.duckdb"), "select * from totals")).toEqual([{ id: 1, amount: 10 }]);

    fs.writeFileSync(file, notebook("warn", "select 1 as id, 10.5 as amount, 'x' as note"));
    const warned = assetbook("run", "contract.md", "--db", "contract.duckdb");
    expect(warned.code).toBe(0);
    expect(warned.stdout).toMatch(/OK +totals .*warn: contract \(the output columns changed .*added note/);

    // A check of dbt-utils fails the build as any error check does.
    fs.writeFileSync(file, notebook("warn", "select 1 as id, 5000 as amount, 'x' as note"));
    const checked = assetbook("run", "contract.md", "--db", "contract.duckdb");
    expect(checked.code).toBe(1);
    expect(checked.stdout).toContain("check expression_is_true(amount < 1000) failed: 1 failing row");
  });

  it("run makes a view cell a view over its SQL, which reads its input as it is now", async () => {
    const file = path.join(dir, "views.md");
    const cells = (threshold: number) => `\`\`\`sql events\nselect i as id from range(10) as t(i)\n\`\`\`\n\n\`\`\`sql late_events\n-- materialized: view\n-- checks: unique(id)\nselect id from events where id >= ${threshold}\n\`\`\`\n`;
    fs.writeFileSync(file, cells(7));
    const ran = assetbook("run", "views.md", "--db", "views.duckdb");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/OK +late_events .*3 rows/);
    expect(await tableRows(path.join(dir, "views.duckdb"), "select table_type from information_schema.tables where table_name = 'late_events'")).toEqual([{ table_type: "VIEW" }]);
    fs.writeFileSync(file, cells(5));
    expect(assetbook("run", "views.md", "--db", "views.duckdb", "--select", "late_events").code).toBe(0);
    expect(await tableRows(path.join(dir, "views.duckdb"), "select count(*)::int as n from late_events")).toEqual([{ n: 5 }]);
  });

  it("run serves an asset placed in a schema there too, and a cell reads it qualified or bare", async () => {
    const file = path.join(dir, "placed.md");
    fs.writeFileSync(
      file,
      "---\nschema: staging\n---\n\n```sql stg_events\nselect i as id from range(4) as t(i)\n```\n\n```sql event_count\n-- schema: marts\nselect count(*)::int as n from staging.stg_events\n```\n\n```sql top\nselect n from event_count\n```\n",
    );
    expect(assetbook("check", "placed.md").code).toBe(0);
    expect(assetbook("run", "placed.md", "--db", "placed.duckdb").code).toBe(0);
    const db = path.join(dir, "placed.duckdb");
    expect(await tableRows(db, "select n from marts.event_count")).toEqual([{ n: 4 }]);
    expect(await tableRows(db, "select table_schema, table_name from information_schema.tables where table_schema in ('staging', 'marts') order by 1, 2")).toEqual([
      { table_schema: "marts", table_name: "event_count" },
      { table_schema: "staging", table_name: "stg_events" },
      { table_schema: "staging", table_name: "top" },
    ]);
    // A qualified name in the wrong schema is named, with the right one.
    fs.writeFileSync(file, "---\nschema: staging\n---\n\n```sql stg_events\nselect 1 as id\n```\n\n```sql wrong\nselect * from marts.stg_events\n```\n");
    const checked = assetbook("check", "placed.md");
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain('unknown table "marts.stg_events": "stg_events" is an asset of this notebook placed in schema staging; write staging.stg_events or stg_events');
  });

  it("check names a bad contract level at its line", () => {
    fs.writeFileSync(path.join(dir, "bad-contract.md"), "```sql t\n-- contract: frozen\nselect 1 as id\n```\n");
    const r = assetbook("check", "bad-contract.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad-contract.md:2:14 cell "t": contract: contract is freeze or warn, got "frozen"');
  });
});

describe("the workspace file (assetbook.yml beside the notebooks)", () => {
  const WORKSPACE = [
    "vars:",
    "  min_km: 5",
    "  since: '2024-01-01'",
    "connections:",
    "  fitness:",
    "    base_url: http://127.0.0.1:1/unused",
    "    auth: { type: bearer, token: secret:FITNESS_TOKEN }",
    "    paginator: { type: page_number, page_param: page, size_param: per_page, size: 100 }",
    "macros:",
    "  km:",
    "    args: [meters]",
    "    sql: round(meters / 1000.0, 1)",
    "  longer_than:",
    "    args: [t, limit_km]",
    "    table: select * from query_table(t) where km(distance) > limit_km",
    "checks:",
    "  positive:",
    "    args: [column]",
    "    sql: select * from this where {{ column }} <= 0",
    "environments:",
    "  development:",
    "    connections:",
    "      fitness: { base_url: 'http://127.0.0.1:4011/api/v3' }",
    "",
  ].join("\n");
  const NOTEBOOK = [
    "```extract activities",
    "source: rest",
    "connection: fitness",
    "path: athlete/activities",
    "primary_key: id",
    "```",
    "",
    "```sql long_rides",
    "-- checks: positive(km), not_null(id)",
    "select id, km(distance) as km from longer_than(activities, {{ var.min_km }})",
    "```",
    "",
  ].join("\n");

  it("runs a notebook with a connection, variables, macros and a workspace check", async () => {
    const folder = path.join(dir, "workspace-project");
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "assetbook.yml"), WORKSPACE);
    fs.writeFileSync(path.join(folder, "rides.md"), NOTEBOOK);
    expect(assetbook("check", "workspace-project/rides.md").code).toBe(0);
    const api = await startFitnessApi({ port: 4011, token: "workspace-token" });
    try {
      const r = await assetbookAsync({ FITNESS_TOKEN: "workspace-token" }, "run", "workspace-project/rides.md", "--db", "workspace.duckdb");
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/OK +long_rides \(sql\) [\d,]+ rows.*checks 2\/2 passed/);
      expect(r.stdout + r.stderr).not.toContain("workspace-token");
    } finally {
      await api.close();
    }
    const [counts] = await tableRows(
      path.join(dir, "workspace.duckdb"),
      "select (select count(*) from long_rides) as long, (select count(*) from activities where round(distance / 1000.0, 1) > 5) as expected, (select min(km) from long_rides) as shortest",
    );
    expect(Number(counts?.long)).toBeGreaterThan(0);
    expect(counts?.long).toBe(counts?.expected);
    expect(Number(counts?.shortest)).toBeGreaterThan(5);
  });

  it("check names an unknown variable, check or connection at its line, and a bad workspace file at its own", () => {
    const folder = path.join(dir, "workspace-broken");
    fs.mkdirSync(folder, { recursive: true });
    fs.writeFileSync(path.join(folder, "assetbook.yml"), WORKSPACE);
    fs.writeFileSync(
      path.join(folder, "rides.md"),
      NOTEBOOK.replace("connection: fitness", "connection: fitnes").replace("positive(km)", "postive(km)").replace("var.min_km", "var.min_kms"),
    );
    const r = assetbook("check", "workspace-broken/rides.md");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('workspace-broken/rides.md:1:1 cell "activities": connection: unknown connection "fitnes" (did you mean fitness?)');
    expect(r.stderr).toContain('workspace-broken/rides.md:9:12 cell "long_rides": checks: unknown check "postive" (did you mean positive?)');
    expect(r.stderr).toMatch(/workspace-broken\/rides\.md:10:\d+ cell "long_rides": unknown variable "min_kms" \(did you mean min_km\?\)/);

    fs.writeFileSync(path.join(folder, "assetbook.yml"), "macros:\n  km: { args: [m] }\n");
    const bad = assetbook("check", "workspace-broken/rides.md");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("workspace-broken/assetbook.yml:2:3: macros.km: a macro has either sql (an expression) or table (a query)");
  });
});

describe("assetbook import dbt", () => {
  const fixtures = path.join(root, "fixtures", "dbt");

  it("converts jaffle_shop_duckdb: every model and test; the notebooks check, run, and equal dbt's SQL run on DuckDB over the same seeds", async () => {
    const out = path.join(dir, "imported");
    const r = assetbook("import", "dbt", path.join(fixtures, "jaffle_shop_duckdb"), "--out", "imported", "--data-dir", "imported-data");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("models 5/5, tests 20/20, seeds 3");
    expect(fs.readdirSync(out).sort()).toEqual(["jaffle-shop.md", "seeds.md", "staging.md"]);
    expect(assetbook("check", "imported").code).toBe(0);
    for (const notebook of ["seeds", "staging", "jaffle-shop"]) {
      const run = assetbook("run", `imported/${notebook}.md`, "--db", "imported.duckdb", "--data-dir", "imported-data");
      expect(run.code, run.stdout + run.stderr).toBe(0);
    }
    // dbt's models on plain DuckDB: the seeds read with read_csv, each model's SQL with its refs rendered as dbt-duckdb does (main.<model>).
    const { renderDbt } = await import("../lib/importers/dbt/render");
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await connection.run(`attach '${path.join(dir, "imported.duckdb")}' as ours (read_only)`);
      for (const seed of ["raw_customers", "raw_orders", "raw_payments"]) {
        await connection.run(`create table ${seed} as select * from read_csv('${path.join(fixtures, "jaffle_shop_duckdb", "seeds", `${seed}.csv`)}')`);
      }
      for (const model of ["staging/stg_customers", "staging/stg_orders", "staging/stg_payments", "customers", "orders"]) {
        const name = path.basename(model);
        const { sql } = renderDbt(fs.readFileSync(path.join(fixtures, "jaffle_shop_duckdb", "models", `${model}.sql`), "utf8"), { ref: (other) => `main.${other}`, source: () => "", vars: {}, packages: [], self: name });
        await connection.run(`create table ${name} as (${sql})`);
        const diff = await connection.runAndReadAll(
          `select (select count(*) from ${name}) as n, (select count(*) from (select * from ${name} except all select * from ours.main.${name})) as missing, (select count(*) from (select * from ours.main.${name} except all select * from ${name})) as extra`,
        );
        expect(diff.getRowObjectsJson()[0], name).toEqual({ n: expect.stringMatching(/^[1-9]\d*$/), missing: "0", extra: "0" });
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it("reports what it cannot convert with file:line, and what it converts checks and runs", () => {
    const r = assetbook("import", "dbt", path.join(fixtures, "constructs"), "--out", "constructs", "--data-dir", "constructs-data");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("models 3/4, tests 10/12");
    expect(r.stdout).toMatch(/constructs\/models\/marts\/star_payments\.sql:1: package dbt_utils: macro dbt_utils\.star is not expanded/);
    expect(r.stdout).toMatch(/constructs\/models\/marts\/forecast\.py:1: a Python model is not converted/);
    expect(r.stdout).toMatch(/order_totals\.sql:1: incremental: its is_incremental\(\) filter is not converted/);
    // A second import refuses to overwrite.
    expect(assetbook("import", "dbt", path.join(fixtures, "constructs"), "--out", "constructs").code).toBe(1);
    expect(assetbook("check", "constructs").code).toBe(0);
    expect(assetbook("run", "constructs/seeds.md", "--db", "constructs.duckdb", "--data-dir", "constructs-data").code).toBe(0);
    // stg_accounts reads a CRM table this warehouse does not have: the rest of staging runs.
    expect(assetbook("run", "constructs/staging.md", "--db", "constructs.duckdb", "--data-dir", "constructs-data", "--select", "stg_payments").code).toBe(0);
    const marts = assetbook("run", "constructs/marts.md", "--db", "constructs.duckdb", "--data-dir", "constructs-data");
    expect(marts.code, marts.stdout + marts.stderr).toBe(0);
    expect(marts.stdout).toMatch(/OK +order_totals \(sql\) 2 rows.*checks 2\/2 passed/);
  });

  it("fails when nothing converts, saying why, and writes nothing", () => {
    const project = path.join(dir, "dbt-nothing");
    fs.mkdirSync(path.join(project, "models"), { recursive: true });
    fs.writeFileSync(path.join(project, "dbt_project.yml"), "name: nothing\n");
    fs.writeFileSync(path.join(project, "models", "a.sql"), "select {{ nope() }} as x\n");
    const r = assetbook("import", "dbt", project, "--out", "nothing-out");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("dbt-nothing: nothing converted (models 0/1, seeds 0)");
    expect(r.stderr).toMatch(/models\/a\.sql:1: macro nope cannot be expanded/);
    expect(fs.existsSync(path.join(dir, "nothing-out"))).toBe(false);
  });
});

describe("run parameters through the command line", () => {
  it("run --param sets a declared parameter, checked before anything runs; ML params take it as a number", async () => {
    fs.writeFileSync(
      path.join(dir, "params.md"),
      [
        "---",
        "params:",
        "  days: { type: integer, default: 2, min: 1 }",
        "  trees: { type: integer, default: 3 }",
        "---",
        "",
        "```sql numbers",
        "select i as x, i * 2 + (i % 3) as y from range({{ params.days }} * 10) t(i)",
        "```",
        "",
        "```ml fit",
        "from: numbers",
        "target: y",
        "features: [x]",
        "model: random_forest",
        'params: { trees: "{{ params.trees }}" }',
        "```",
        "",
      ].join("\n"),
    );
    const r = assetbook("run", "params.md", "--db", "params.duckdb", "--param", "days=5", "--param", "trees=4");
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/OK +numbers \(sql\) 50 rows/);
    const [counted] = await tableRows(path.join(dir, "params.duckdb"), "select count(*) as n from numbers");
    expect(Number(counted?.n)).toBe(50);
    const refused = assetbook("run", "params.md", "--db", "params.duckdb", "--param", "days=0", "--param", "dayz=1");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("params.md:1:1: params: parameter dayz is not declared by the notebook (did you mean days?)");
    expect(refused.stderr).toContain("params: parameter days: 0 is below the minimum 1");
  });
});
