// The lifecycle commands as a contract, through the real `bin/assetbook.mjs` in a child
// process on a DuckDB file: plan, build, diff, promote (killed with -9 at each of its
// named points), rollback, env list | drop, and `run` refusing a promoted production.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";

const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "assetbook.mjs");
let dir: string;

function assetbook(env: Record<string, string>, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env } });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
const cli = (...args: string[]) => assetbook({}, ...args);

async function rows(db: string, sql: string) {
  const instance = await DuckDBInstance.create(db, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJson();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const shop = () => fs.readFileSync(path.join(root, "notebooks", "shop.md"), "utf8");
/** shop with every tenth order gone: a breaking change to `orders`. */
const fewerOrders = () => shop().replace("from range(1, 20001) as t(i)", "from range(1, 20001) as t(i) where i % 10 <> 0");

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "assetbook-lifecycle-"));
  fs.mkdirSync(path.join(dir, "project"));
  for (const name of ["shop.md", "shop-segments.md"]) fs.copyFileSync(path.join(root, "notebooks", name), path.join(dir, "project", name));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const planJson = z.object({
  env: z.string(),
  hash: z.string(),
  build: z.array(z.string()),
  assets: z.array(z.object({ asset: z.string(), change: z.enum(["added", "removed", "breaking", "non_breaking", "unchanged"]), build: z.boolean() })),
});

describe("assetbook plan / build / diff / promote / rollback / env", () => {
  it("takes a project to production, then a breaking change through review to production and back", async () => {
    const db = "w.duckdb";
    expect(cli("build", "project", "--env", "init", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "init", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 20000 }]);

    fs.writeFileSync(path.join(dir, "project", "shop.md"), fewerOrders());
    const planned = cli("plan", "project", "--env", "feat", "--db", db, "--json");
    expect(planned.code).toBe(0);
    const plan = planJson.parse(JSON.parse(planned.stdout));
    expect(plan.assets.find((a) => a.asset === "orders")?.change).toBe("breaking");
    expect(plan.assets.find((a) => a.asset === "customers")).toMatchObject({ change: "unchanged", build: false });
    expect(plan.build).toEqual(["orders", "daily_revenue", "top_customers", "revenue_per_day", "segment_revenue"]);
    // Plans are deterministic.
    expect(planJson.parse(JSON.parse(cli("plan", "project", "--env", "feat", "--db", db, "--json").stdout)).hash).toBe(plan.hash);

    expect(cli("build", "project", "--env", "feat", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 20000 }]);
    const diff = z
      .object({ assets: z.record(z.string(), z.object({ rows: z.object({ production: z.number(), env: z.number() }), added: z.number(), removed: z.number(), changed: z.number().nullable() })) })
      .parse(JSON.parse(cli("diff", "--env", "feat", "--db", db, "--json").stdout));
    expect(diff.assets.orders).toMatchObject({ rows: { production: 20000, env: 18000 }, added: 0, removed: 2000, changed: 0 });

    // `run` may not write a promoted production.
    const run = cli("run", "project/shop.md", "--db", db);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/promoted production/);

    expect(cli("promote", "--env", "feat", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 18000 }]);
    // An environment that was never built is refused, and nothing changes.
    const missing = cli("promote", "--env", "nope", "--db", db);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no build/);

    expect(cli("rollback", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 20000 }]);
    const list = z.object({ environments: z.array(z.object({ env: z.string(), status: z.string() })) }).parse(JSON.parse(cli("env", "list", "--db", db, "--json").stdout));
    expect(list.environments.map((e) => e.env)).toEqual(["feat", "init"]);
    expect(cli("env", "drop", "feat", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 20000 }]);
  });

  it("answers every failure in one line, and with --json in one document on stdout; a mistyped --db creates nothing", async () => {
    const json = (r: { stdout: string }) => JSON.parse(r.stdout) as unknown;
    // A notebook problem: the issues as JSON, the human lines on stderr.
    fs.mkdirSync(path.join(dir, "broken"));
    fs.writeFileSync(path.join(dir, "broken", "shop.md"), shop().replace("from range(1, 20001) as t(i)", "from range(1, 20001) as t(i) wher"));
    const planned = cli("plan", "broken", "--env", "x", "--db", "fresh.duckdb", "--json");
    expect(planned.code).toBe(1);
    expect(json(planned)).toMatchObject({ ok: false, issues: [expect.objectContaining({ file: "shop.md", cell: expect.any(String), message: expect.stringContaining("syntax error") })] });
    expect(planned.stderr).toMatch(/1 problem found/);
    // A usage error: JSON on stdout too, the message on stderr, exit 2.
    const usage = cli("diff", "--db", "fresh.duckdb", "--json");
    expect(usage.code).toBe(2);
    expect(json(usage)).toEqual({ ok: false, error: "--env NAME is required" });
    // Commands that only read refuse a warehouse file that is not there, and make none.
    const missing = cli("env", "list", "--db", "typo.duckdb", "--json");
    expect(missing.code).toBe(2);
    expect(json(missing)).toEqual({ ok: false, error: "--db typo.duckdb: no such warehouse file" });
    expect(fs.existsSync(path.join(dir, "typo.duckdb"))).toBe(false);
    expect(cli("plan", "project", "--env", "x", "--db", "no/such/dir/w.duckdb").stderr).toMatch(/--db no\/such\/dir\/w\.duckdb: no such directory no\/such\/dir/);
    expect(fs.existsSync(path.join(dir, "no"))).toBe(false);
    expect(cli("plan", "nosuch", "--env", "x", "--db", "fresh.duckdb").stderr).toMatch(/nosuch: no such file or directory/);
    // A file that is not a DuckDB database: one line naming the problem, no stack.
    fs.writeFileSync(path.join(dir, "notdb.duckdb"), "not a database\n".repeat(500));
    const notDb = cli("env", "list", "--db", "notdb.duckdb");
    expect(notDb.code).toBe(1);
    expect(notDb.stderr.trim().split("\n")).toHaveLength(1);
    expect(notDb.stderr).not.toMatch(/at .*\.mjs:\d+|Node\.js v/);
    expect(json(cli("env", "list", "--db", "notdb.duckdb", "--json"))).toMatchObject({ ok: false, error: expect.any(String) });
    const run = cli("run", path.join("project", "shop.md"), "--db", "notdb.duckdb");
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^assetbook run: IO Error: The file .*notdb\.duckdb" exists, but it is not a valid DuckDB database file!$/);
    // Each command's --help is the usage; plan and build take --data-dir as run does.
    const help = cli("plan", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/assetbook plan PATH\.\.\. --env NAME .*--data-dir DIR/);
    fs.mkdirSync(path.join(dir, "files"), { recursive: true });
    expect(cli("plan", "project", "--env", "x", "--db", "fresh.duckdb", "--data-dir", "files").code).toBe(0);
    // Dropping an environment that is not there fails.
    const drop = cli("env", "drop", "nosuch", "--db", "fresh.duckdb");
    expect(drop.code).toBe(1);
    expect(drop.stderr).toMatch(/no environment nosuch/);
  });

  it("--select builds part of a change with dbt's selectors; such a build cannot be promoted; run takes the same selectors", async () => {
    const db = "select.duckdb";
    fs.writeFileSync(path.join(dir, "project", "shop.md"), shop());
    expect(cli("build", "project", "--env", "init", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "init", "--db", db).code).toBe(0);
    fs.writeFileSync(path.join(dir, "project", "shop.md"), fewerOrders());

    // A union of two terms, the second an intersection: everything below orders that is SQL.
    const planned = cli("plan", "project", "--env", "part", "--db", db, "--select", "customers orders+,kind:sql", "--json");
    expect(planned.code).toBe(0);
    const plan = planJson.extend({ excluded: z.array(z.string()), selection: z.string() }).parse(JSON.parse(planned.stdout));
    expect(plan.build).toEqual(["orders", "daily_revenue", "top_customers", "segment_revenue"]);
    expect(plan.excluded).toEqual(["revenue_per_day"]);
    const built = cli("build", "project", "--env", "part", "--db", db, "--select", "customers orders+,kind:sql");
    expect(built.code).toBe(0);
    expect(built.stdout).toMatch(/revenue_per_day .*not built: outside --select/);
    const refused = cli("promote", "--env", "part", "--db", db);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('was built with --select "customers orders+,kind:sql", which leaves out changes to revenue_per_day');
    expect(await rows(path.join(dir, db), "select count(*)::int as n from orders")).toEqual([{ n: 20000 }]);

    const typo = cli("plan", "project", "--env", "part", "--db", db, "--select", "kind:sqll");
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('--select: no asset matches kind:sqll (did you mean "sql"?)');

    // `run` on a fresh file: the SQL cells the notebook's owner owns, not its chart.
    const run = cli("run", "project/shop.md", "--db", "run-select.duckdb", "--select", "owner:analytics@example.com,kind:sql");
    expect(run.code).toBe(0);
    expect(await rows(path.join(dir, "run-select.duckdb"), "select distinct asset from _assetbook.materializations order by asset")).toEqual(
      ["customers", "daily_revenue", "orders", "top_customers"].map((asset) => ({ asset })),
    );
  });

  it("a frozen contract fails an environment's build when the columns differ from production's", async () => {
    const db = "contract.duckdb";
    const project = path.join(dir, "contracted");
    fs.mkdirSync(project, { recursive: true });
    const write = (select: string) => fs.writeFileSync(path.join(project, "ledger.md"), `\`\`\`sql entries\n-- contract: freeze\n${select}\n\`\`\`\n`);
    write("select 1 as id, 5 as amount");
    expect(cli("build", "contracted", "--env", "init", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "init", "--db", db).code).toBe(0);
    write("select 1 as id, 5 as amount, 2 as extra");
    const built = cli("build", "contracted", "--env", "wider", "--db", db);
    expect(built.code).toBe(1);
    expect(built.stdout).toContain("check contract failed: the output columns changed since the last materialization (contract: freeze): added extra (INTEGER)");
  });

  it("the workspace file is planned, built and promoted with the notebooks, with production's values; a changed macro changes its callers", async () => {
    const db = "workspace.duckdb";
    const project = path.join(dir, "with-workspace");
    fs.mkdirSync(project, { recursive: true });
    const workspace = (factor: string) =>
      `vars:\n  threshold: 1\nmacros:\n  scaled:\n    args: [x]\n    sql: x * ${factor}\nenvironments:\n  production:\n    vars: { threshold: 2 }\n  development:\n    vars: { threshold: 0 }\n`;
    fs.writeFileSync(path.join(project, "assetbook.yml"), workspace("10"));
    fs.writeFileSync(path.join(project, "numbers.md"), "```sql numbers\nselect i from range(5) t(i)\n```\n\n```sql big\nselect scaled(i) as v from numbers where i > {{ var.threshold }}\n```\n\n```sql other\nselect 1 as one\n```\n");
    expect(cli("build", "with-workspace", "--env", "init", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "init", "--db", db).code).toBe(0);
    // Production's threshold (2): 3 and 4, scaled by 10.
    expect(await rows(path.join(dir, db), "select v::int as v from big order by v")).toEqual([{ v: 30 }, { v: 40 }]);

    fs.writeFileSync(path.join(project, "assetbook.yml"), workspace("100"));
    const planned = planJson.parse(JSON.parse(cli("plan", "with-workspace", "--env", "macro", "--db", db, "--json").stdout));
    expect(planned.build).toEqual(["big"]);
    expect(cli("build", "with-workspace", "--env", "macro", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "macro", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select v::int as v from big order by v")).toEqual([{ v: 300 }, { v: 400 }]);
    // The old macro's version is still what rollback serves.
    expect(cli("rollback", "--db", db).code).toBe(0);
    expect(await rows(path.join(dir, db), "select v::int as v from big order by v")).toEqual([{ v: 30 }, { v: 40 }]);
    // `run` is development: the development threshold (0).
    expect(cli("run", "with-workspace/numbers.md", "--db", "workspace-dev.duckdb").code).toBe(0);
    expect(await rows(path.join(dir, "workspace-dev.duckdb"), "select count(*)::int as n from big")).toEqual([{ n: 4 }]);
  });

  it.each(["before_transaction", "before_commit", "after_commit"])("a promotion killed -9 %s leaves production wholly old or wholly new", async (point) => {
    const db = `crash-${point}.duckdb`;
    fs.writeFileSync(path.join(dir, "project", "shop.md"), shop());
    expect(cli("build", "project", "--env", "init", "--db", db).code).toBe(0);
    expect(cli("promote", "--env", "init", "--db", db).code).toBe(0);
    fs.writeFileSync(path.join(dir, "project", "shop.md"), fewerOrders());
    expect(cli("build", "project", "--env", "feat", "--db", db).code).toBe(0);
    const killed = assetbook({ ASSETBOOK_PROMOTE_CRASH_AT: point }, "promote", "--env", "feat", "--db", db);
    expect(killed.signal).toBe("SIGKILL");
    const orders = await rows(path.join(dir, db), "select count(*)::int as n from orders");
    const segments = await rows(path.join(dir, db), "select sum(orders)::int as n from segment_revenue");
    const promotions = await rows(path.join(dir, db), "select count(*)::int as n from _assetbook.lc_promotions");
    const landed = point === "after_commit";
    expect(orders).toEqual([{ n: landed ? 18000 : 20000 }]);
    expect(segments).toEqual([{ n: landed ? 18000 : 20000 }]);
    expect(promotions).toEqual([{ n: landed ? 2 : 1 }]);
  });
  it("builds the partitions asked for of a partitioned notebook, names a key it does not have, and says what production backfills", async () => {
    const db = "monthly.duckdb";
    const project = path.join(dir, "monthly");
    fs.mkdirSync(project, { recursive: true });
    for (const name of ["shop.md", "shop-monthly.md"]) fs.copyFileSync(path.join(root, "notebooks", name), path.join(project, name));
    const unknown = cli("plan", "monthly", "--env", "init", "--partition", "1999-01", "--db", db);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('shop-monthly.md:1:1: partitions: --partition "1999-01" is not one of its partitions');
    const planned = cli("plan", "monthly", "--env", "init", "--partition", "2024-03", "--partition", "2024-04", "--db", db, "--json");
    const schedule = z.object({ assets: z.array(z.object({ asset: z.string(), partitions: z.object({ build: z.array(z.string()), backfill: z.object({ count: z.number(), first: z.string() }) }).optional() })) });
    const daily = schedule.parse(JSON.parse(planned.stdout)).assets.find((asset) => asset.asset === "daily_sales");
    expect(daily?.partitions?.build).toEqual(["2024-03", "2024-04"]);
    expect(daily?.partitions?.backfill.first).toBe("2024-01");
    expect(cli("build", "monthly", "--env", "init", "--partition", "2024-03", "--partition", "2024-04", "--db", db).code).toBe(0);
    const promoted = cli("promote", "--env", "init", "--db", db);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toContain("shop-monthly: partitions other than 2024-03, 2024-04 are backfilled by production's runs (daily_sales)");
    expect(await rows(path.join(dir, db), "select distinct _partition as p from daily_sales order by p")).toEqual([{ p: "2024-03" }, { p: "2024-04" }]);
  });
});
