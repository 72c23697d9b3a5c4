// The lifecycle end to end on a real DuckDB and a real PostgreSQL: build into an
// environment (reading production in place), diff, promote atomically, roll back, and clean
// up, with the tables each step writes counted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import type { Warehouse } from "../warehouse/types";
import { testWarehouses } from "./test-warehouses";
import { adoptNotebooks } from "./adopt";
import { buildEnvironment } from "./build";
import { productionBinding, productionRunWarehouse } from "./production-runs";
import { collectVersions, dropEnvironment } from "./cleanup";
import { PRODUCTION, VERSIONS_SCHEMA } from "./layout";
import { promoteEnvironment, rollback } from "./promote";
import { planProject, type ProposedNotebook } from "./project";
import { ensureLifecycleTables, servedState, versionTables as versionsOf } from "./store";
import { versionedStateKey } from "./versioned-warehouse";

const backends = testWarehouses("lc");

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const sales = (threshold: number, extraColumn = "") => `---
title: Sales
---

\`\`\`sql orders
-- checks: unique(id)
select i as id, i % 7 as customer, i * 10 as amount from generate_series(1, 100) as g(i) where i > ${threshold}
\`\`\`

\`\`\`sql by_customer
select customer, sum(amount) as revenue${extraColumn} from orders group by customer
\`\`\`

\`\`\`sql constants
select 1 as one
\`\`\`
`;
const report = `---
title: Report
external: [by_customer]
---

\`\`\`sql top
select customer, revenue from by_customer order by revenue desc limit 3
\`\`\`
`;

/** The tables in the versions schema: what a build wrote. */
async function versionTables(warehouse: Warehouse): Promise<string[]> {
  const rows = await warehouse.query(`select table_name from information_schema.tables where table_schema = '${VERSIONS_SCHEMA}' order by table_name`);
  return rows.map((row) => String(row.table_name));
}

async function build(warehouse: Warehouse, env: string, proposed: ProposedNotebook[]) {
  const result = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env, proposed, parser });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  expect(result.summary.ok).toBe(true);
  return result;
}

describe.each(backends)("the lifecycle on $name", (backend) => {
  it("production runs write the versions production serves: environments reading them follow, and a promotion fences the run", async () => {
    const warehouse = await backend.open();
    try {
      // A table `run` wrote before the lifecycle: the first start moves it into its version.
      await warehouse.exec(`create table ${warehouse.schema}.orders as select 1 as id, 1 as customer, 10 as amount`);
      const adopted = await adoptNotebooks({ warehouse, productionSchema: warehouse.schema, notebooks: [{ slug: "sales", text: sales(0) }], parser });
      expect(adopted).toMatchObject({ adopted: true, moved: ["orders"] });
      expect((await warehouse.query("select count(*) as n from orders"))[0]?.n).toEqual(expect.anything());
      const cells = new Map((["orders", "by_customer", "constants"] as const).map((name) => [name, { kind: "sql" as const }]));
      const binding = await productionBinding(warehouse);
      if (binding === null) throw new Error("production is promoted");
      const run = productionRunWarehouse(warehouse, binding, cells);
      const write = async (table: string, sql: string) => {
        await run.exec(`create table ${table}__stage as ${sql}`);
        await run.swap([{ staging: `${table}__stage`, target: table }]);
      };
      await write("orders", "select i as id, i % 7 as customer, i * 10 as amount from generate_series(1, 100) as g(i)");
      await write("by_customer", "select customer, sum(amount) as revenue from orders group by customer");
      // An environment that leaves `orders` alone reads production's version of it through a view of its own.
      await build(warehouse, "report-only", [{ slug: "report", text: report }]);
      const envOrders = async () => Number((await warehouse.query(`select count(*) as n from "env__report-only".orders`))[0]?.n);
      expect(await envOrders()).toBe(100);
      // The run writes again after that view appeared (PostgreSQL binds it to the table): the view follows.
      await write("orders", "select i as id, i % 7 as customer, i * 10 as amount from generate_series(1, 40) as g(i)");
      expect(await envOrders()).toBe(40);
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(40);
      // A promotion moves orders to another version: the run's next write of it is refused, and production keeps the promoted data.
      await build(warehouse, "fewer", [{ slug: "sales", text: sales(50) }]);
      expect((await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "fewer" })).ok).toBe(true);
      await run.exec("create table orders__stage as select 0 as id, 0 as customer, 0 as amount");
      await expect(run.swap([{ staging: "orders__stage", target: "orders" }])).rejects.toThrow(/production no longer serves this version of "orders"/);
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(50);
    } finally {
      await warehouse.close();
    }
  });

  it("builds, defers, promotes atomically, rolls back byte for byte and keeps what is served", async () => {
    const warehouse = await backend.open();
    try {
      await ensureLifecycleTables(warehouse);
      // First: everything is added, built and promoted.
      const first = await build(warehouse, "init", [
        { slug: "sales", text: sales(0) },
        { slug: "report", text: report },
      ]);
      expect(first.built.sort()).toEqual(["by_customer", "constants", "orders", "top"]);
      const promoted = await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "init" });
      expect(promoted.ok).toBe(true);
      const oldTop = await warehouse.query("select customer, revenue from top order by customer");
      expect(oldTop).toHaveLength(3);

      // A breaking change to orders: orders and everything below are rebuilt; constants is read in place.
      const before = await versionTables(warehouse);
      const change = await build(warehouse, "feature", [{ slug: "sales", text: sales(50) }]);
      expect(change.built.sort()).toEqual(["by_customer", "orders", "top"]);
      const written = (await versionTables(warehouse)).filter((table) => !before.includes(table));
      expect(written).toHaveLength(3);
      // Production is untouched by the build.
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(100);
      expect(Number((await warehouse.query(`select count(*) as n from "env__feature"."orders"`))[0]?.n)).toBe(50);
      expect(await warehouse.query(`select one from "env__feature"."constants"`)).toEqual([{ one: 1 }]);

      // A change that only adds a column rebuilds that asset alone.
      const additive = await build(warehouse, "additive", [{ slug: "sales", text: sales(0, ", count(*) as orders_count") }]);
      expect(additive.built).toEqual(["by_customer"]);

      // Promote the breaking change: every asset is new at once.
      const second = await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "feature" });
      expect(second).toMatchObject({ ok: true });
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(50);
      expect(await warehouse.query("select customer, revenue from top order by customer")).not.toEqual(oldTop);
      expect((await servedState(warehouse, PRODUCTION)).notebooks.sales).toBe(sales(50));

      // The additive build was planned on the old orders: stale, refused, nothing changed.
      const stale = await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "additive" });
      expect(stale.ok).toBe(false);
      if (!stale.ok) expect(stale.reason).toMatch(/stale/);
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(50);

      // Roll back: the old data, byte for byte.
      const back = await rollback({ warehouse, productionSchema: warehouse.schema });
      expect(back.ok).toBe(true);
      expect(await warehouse.query("select customer, revenue from top order by customer")).toEqual(oldTop);
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(100);

      // Cleanup never drops what is served or kept for rollback; a dropped version's state goes with it.
      const everyVersion = [...(await versionsOf(warehouse)).keys()];
      for (const version of everyVersion) {
        await warehouse.swap([], [{ key: versionedStateKey("extract:orders:cursor", () => version), value: version }]);
      }
      const dropped = [...(await dropEnvironment(warehouse, "additive")).versions, ...(await dropEnvironment(warehouse, "feature")).versions, ...(await collectVersions(warehouse, 1))];
      expect(dropped.length).toBeGreaterThan(0);
      for (const version of everyVersion) {
        const state = await warehouse.readState(`extract:orders@${version}:cursor`);
        expect(state, version).toBe(dropped.includes(version) ? undefined : version);
      }
      expect(await warehouse.query("select customer, revenue from top order by customer")).toEqual(oldTop);
      const served = await servedState(warehouse, PRODUCTION);
      const left = await versionTables(warehouse);
      for (const [asset, version] of Object.entries(served.assets)) expect(left).toContain(`${asset}__${version}`);
    } finally {
      await warehouse.close();
    }
  });

  it("a one-cell change in a 50-asset project builds that cell and what breaks below it, and writes no production table", async () => {
    const warehouse = await backend.open();
    try {
      await ensureLifecycleTables(warehouse);
      /** 10 chains of 5 assets; chain 3's second asset filters (breaking), chain 5's third adds a column (non-breaking). */
      const project = (changed: boolean) => {
        const cells: string[] = [];
        for (let chain = 0; chain < 10; chain++) {
          for (let step = 0; step < 5; step++) {
            const from = step === 0 ? "generate_series(1, 20) as g(i)" : `c${chain}_${step - 1}`;
            const column = step === 0 ? "i as v" : "v";
            let sql = `select ${column}${step > 0 ? " + 1 as v" : ""} from ${from}`;
            if (changed && chain === 3 && step === 1) sql += " where v > 5";
            if (changed && chain === 5 && step === 2) sql = `select v + 1 as v, v * 2 as w from ${from}`;
            cells.push(`\`\`\`sql c${chain}_${step}\n${sql}\n\`\`\``);
          }
        }
        return [{ slug: "big", text: `---\ntitle: Big\n---\n\n${cells.join("\n\n")}\n` }];
      };
      await build(warehouse, "init", project(false));
      await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "init" });
      const productionBefore = await warehouse.query(`select table_name from information_schema.tables where table_schema = '${warehouse.schema}' order by table_name`);
      const dataBefore = await warehouse.query("select * from c3_4 order by v");
      const versionsBefore = await versionTables(warehouse);
      const change = await build(warehouse, "one", project(true));
      expect(change.built.sort()).toEqual(["c3_1", "c3_2", "c3_3", "c3_4", "c5_2"]);
      expect((await versionTables(warehouse)).filter((table) => !versionsBefore.includes(table))).toHaveLength(5);
      expect(await warehouse.query(`select table_name from information_schema.tables where table_schema = '${warehouse.schema}' order by table_name`)).toEqual(productionBefore);
      expect(await warehouse.query("select * from c3_4 order by v")).toEqual(dataBefore);
    } finally {
      await warehouse.close();
    }
  });

  it("takes over tables written before the first promotion, keeps like-named environments apart, fits long names, and refuses a build a new reader made stale", async () => {
    const warehouse = await backend.open();
    try {
      await ensureLifecycleTables(warehouse);
      // What `assetbook run` left: a real table where production's view will go.
      await warehouse.exec("create table orders as select 1 as id");
      const long = `a${"x".repeat(59)}`;
      const text = (threshold: number) => `${sales(threshold)}\n\`\`\`sql ${long}\nselect count(*) as n from orders\n\`\`\`\n`;
      await build(warehouse, "feat-x", [{ slug: "sales", text: text(0) }]);
      await build(warehouse, "feat_x", [{ slug: "sales", text: text(10) }]);
      expect(Number((await warehouse.query(`select count(*) as n from "env__feat-x"."orders"`))[0]?.n)).toBe(100);
      expect(Number((await warehouse.query(`select count(*) as n from "env__feat_x"."orders"`))[0]?.n)).toBe(90);
      expect(await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "feat-x" })).toMatchObject({ ok: true });
      expect(Number((await warehouse.query("select count(*) as n from orders"))[0]?.n)).toBe(100);
      expect(await warehouse.query("select id from orders__pre")).toEqual([{ id: 1 }]);
      expect(Number((await warehouse.query(`select n from "${long}"`))[0]?.n)).toBe(100);

      // A: a breaking change to orders. B: a new reader of orders, promoted first.
      await build(warehouse, "a", [{ slug: "sales", text: text(20) }]);
      await build(warehouse, "b", [{ slug: "report2", text: "---\ntitle: R\nexternal: [orders]\n---\n\n```sql fc\nselect count(*) as n from orders\n```\n" }]);
      expect(await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "b" })).toMatchObject({ ok: true });
      const refused = await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "a" });
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.stale?.rebuild).toContain("fc");
      expect(Number((await warehouse.query("select n from fc"))[0]?.n)).toBe(100);
    } finally {
      await warehouse.close();
    }
  });
  it("refuses a plan that removes what another notebook still reads, naming the reader's cell", async () => {
    const warehouse = await backend.open();
    try {
      await build(warehouse, "both", [
        { slug: "sales", text: sales(0) },
        { slug: "report", text: report },
      ]);
      expect((await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "both" })).ok).toBe(true);
      // Twice: said as it is, not as a stale build.
      expect(await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "both" })).toEqual({ ok: false, reason: 'environment "both" is already production: nothing to promote' });
      const planned = await planProject(warehouse, "gone", [{ slug: "sales", text: null }], parser);
      expect(planned).toEqual({
        ok: false,
        issues: [{ file: "report.md", line: 6, column: 1, cell: "top", message: "reads by_customer, which this change removes (it was by_customer of sales.md): change or remove this cell too" }],
      });
      // Removing the reader with it is a plan.
      expect((await planProject(warehouse, "gone", [{ slug: "sales", text: null }, { slug: "report", text: null }], parser)).ok).toBe(true);
    } finally {
      await warehouse.close();
    }
  });

  it("builds the cells of notebooks that read each other in graph order, not notebook by notebook", async () => {
    const warehouse = await backend.open();
    try {
      // a.md's second cell reads b.md's, which reads a.md's first: no notebook can be built whole before the other.
      const a = "---\ntitle: A\nexternal: [b1]\n---\n\n```sql a1\nselect 1 as x\n```\n\n```sql a2\nselect x + 1 as x from b1\n```\n";
      const b = "---\ntitle: B\nexternal: [a1]\n---\n\n```sql b1\nselect x * 10 as x from a1\n```\n";
      const built = await build(warehouse, "crossed", [
        { slug: "a", text: a },
        { slug: "b", text: b },
      ]);
      expect(built.summary.outcomes.map((outcome) => [outcome.asset, outcome.status])).toEqual([
        ["a1", "succeeded"],
        ["b1", "succeeded"],
        ["a2", "succeeded"],
      ]);
      expect(Number((await warehouse.query(`select x from "env__crossed".a2`))[0]?.x)).toBe(11);
    } finally {
      await warehouse.close();
    }
  });

  it("builds the partitions its plan names of a changed partitioned asset; production backfills the others into the promoted version", async () => {
    const warehouse = await backend.open();
    try {
      const regional = (amount: number) => `---\ntitle: Regional\npartitions: { type: static, keys: [eu, us, apac] }\n---\n\n\`\`\`sql sales\nselect {{ partition.key }} as region, ${amount} as amount\n\`\`\`\n\n\`\`\`sql totals\nselect region, sum(amount) as amount from sales group by region\n\`\`\`\n`;
      const rows = async (relation: string) =>
        (await warehouse.query(`select _partition as p, region, amount from ${relation} order by _partition`)).map((row) => `${String(row.p)}:${String(row.region)}:${Number(row.amount)}`);
      await ensureLifecycleTables(warehouse);
      const unknown = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env: "init", proposed: [{ slug: "regional", text: regional(10) }], parser, partitions: ["mars"] });
      expect(unknown).toEqual({ ok: false, issues: [expect.objectContaining({ file: "regional.md", message: '--partition "mars" is not one of its partitions' })] });
      const first = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env: "init", proposed: [{ slug: "regional", text: regional(10) }], parser, partitions: ["eu", "us", "apac"] });
      if (!first.ok) throw new Error(JSON.stringify(first.issues));
      expect(first.summary.outcomes.map((o) => `${o.asset}@${o.partition ?? ""}:${o.status}`)).toEqual(["sales@eu:succeeded", "totals@eu:succeeded", "sales@us:succeeded", "totals@us:succeeded", "sales@apac:succeeded", "totals@apac:succeeded"]);
      expect((await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "init" })).ok).toBe(true);
      expect(await rows("sales")).toEqual(["apac:apac:10", "eu:eu:10", "us:us:10"]);

      // A change: by default the environment builds the newest partition; the plan says which others production backfills.
      const change = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env: "change", proposed: [{ slug: "regional", text: regional(20) }], parser });
      if (!change.ok) throw new Error(JSON.stringify(change.issues));
      expect(change.plan.assets.map((a) => [a.asset, a.partitions])).toEqual([
        ["sales", { build: ["apac"], backfill: { count: 2, first: "eu", last: "us" } }],
        ["totals", { build: ["apac"], backfill: { count: 2, first: "eu", last: "us" } }],
      ]);
      expect(await rows(`"env__change".sales`)).toEqual(["apac:apac:20"]);
      expect(await rows("sales")).toEqual(["apac:apac:10", "eu:eu:10", "us:us:10"]);
      expect(await rows(`"env__change".totals`)).toEqual(["apac:apac:20"]);
      // The same change built for another partition writes it into the same version, next to the first, instead of reusing the version as it was.
      const again = await buildEnvironment({ warehouse, productionSchema: warehouse.schema, env: "again", proposed: [{ slug: "regional", text: regional(20) }], parser, partitions: ["us"] });
      if (!again.ok) throw new Error(JSON.stringify(again.issues));
      expect(again.reused).toEqual([]);
      expect(await rows(`"env__again".sales`)).toEqual(["apac:apac:20", "us:us:20"]);

      // Promoted: production serves the built partitions at once, and a partition run writes the others into that version.
      expect((await promoteEnvironment({ warehouse, parser, productionSchema: warehouse.schema, env: "change" })).ok).toBe(true);
      expect(await rows("sales")).toEqual(["apac:apac:20", "us:us:20"]);
      const binding = await productionBinding(warehouse);
      if (binding === null) throw new Error("production is promoted");
      const cells = new Map((["sales", "totals"] as const).map((name) => [name, { kind: "sql" as const }]));
      const run = productionRunWarehouse(warehouse, binding, cells);
      await run.exec(`create table sales__eu as select 'eu' as region, 20 as amount, 'eu' as _partition`);
      await run.swap([{ staging: "sales__eu", target: "sales", partition: { column: "_partition", key: "eu" } }]);
      expect(await rows("sales")).toEqual(["apac:apac:20", "eu:eu:20", "us:us:20"]);
    } finally {
      await warehouse.close();
    }
  });
});
