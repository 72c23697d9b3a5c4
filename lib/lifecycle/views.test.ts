// View assets (`-- materialized: view`) on a real DuckDB and a real PostgreSQL: in
// development a view of the cell's name; through the lifecycle a version with no table,
// served by views over its SQL that read each schema's own names (an environment its own
// inputs, production production's), made again when an input's columns change, diffed,
// promoted, rolled back and written by production runs like every other asset.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { materializeSql } from "../engine/materialize";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { parseNotebook } from "../notebook";
import { formatIssue, type SqlCell } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { testWarehouses } from "./test-warehouses";
import { buildEnvironment } from "./build";
import { collectVersions, dropEnvironment } from "./cleanup";
import { environmentDiff } from "./env-diff";
import { VERSIONS_SCHEMA } from "./layout";
import { productionBinding, productionRunWarehouse } from "./production-runs";
import { promoteEnvironment, rollback } from "./promote";
import { versionViews } from "./store";

const backends = testWarehouses("views");

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const fence = "```";
const shop = (orders: string, bigOrders = "select id, amount from orders where amount > 100") =>
  [
    "---",
    "title: Shop",
    "---",
    "",
    `${fence}sql orders`,
    orders,
    fence,
    "",
    `${fence}sql big_orders`,
    "-- materialized: view",
    "-- checks: not_null(id)",
    bigOrders,
    fence,
    "",
    `${fence}sql summary`,
    "select count(*) as n from big_orders",
    fence,
    "",
  ].join("\n");
const upTo = (n: number) => `select i as id, i * 10 as amount from generate_series(1, ${n}) as g(i)`;

function sqlCell(text: string, name: string): SqlCell {
  const parsed = parseNotebook(text, "shop.md");
  if (!parsed.ok) throw new Error(parsed.issues.map(formatIssue).join("\n"));
  for (const cell of parsed.notebook.cells) if (cell.type === "asset" && cell.kind === "sql" && cell.name === name) return cell;
  throw new Error(`no sql cell ${name}`);
}

const count = async (warehouse: Warehouse, relation: string) => Number((await warehouse.query(`select count(*) as n from ${relation}`))[0]?.n);
const kindOf = async (warehouse: Warehouse, schema: string, name: string) =>
  (await warehouse.query(`select table_type from information_schema.tables where table_schema = '${schema}' and table_name = '${name}'`)).map((row) => String(row.table_type));

describe.each(backends)("view assets on $name", (backend) => {
  it("in development: a view of the cell's name, checked before it replaces a table, and replaced by a table again", async () => {
    const warehouse = await backend.open();
    try {
      await warehouse.exec(`create table orders as ${upTo(20)}`);
      // The asset was a table before: the view takes its place.
      await warehouse.exec("create table big_orders as select 1 as id");
      expect(await materializeSql(warehouse, sqlCell(shop(upTo(20)), "big_orders"))).toMatchObject({ ok: true, rows: 10, checks: [{ check: "not_null(id)", passed: true }] });
      expect(await kindOf(warehouse, warehouse.schema, "big_orders")).toEqual(["VIEW"]);
      await warehouse.exec("insert into orders values (30, 300)");
      expect(await count(warehouse, "big_orders")).toBe(11);
      // A failing check keeps what was there.
      const failing = await materializeSql(warehouse, sqlCell(shop(upTo(20), "select null as id, amount from orders"), "big_orders"));
      expect(failing).toMatchObject({ ok: false, checks: [{ check: "not_null(id)", passed: false }] });
      expect(await count(warehouse, "big_orders")).toBe(11);
      // Back to a table.
      const asTable = sqlCell(shop(upTo(20)).replace("-- materialized: view\n", ""), "big_orders");
      expect(await materializeSql(warehouse, asTable)).toMatchObject({ ok: true, rows: 11 });
      expect(await kindOf(warehouse, warehouse.schema, "big_orders")).toEqual(["BASE TABLE"]);
    } finally {
      await warehouse.close();
    }
  });

  it("through the lifecycle: no table of its own, each environment's view reads its own inputs, made again when they change; diff, promote, rollback and production runs", async () => {
    const warehouse = await backend.open();
    const productionSchema = warehouse.schema;
    const build = async (env: string, text: string) => {
      const result = await buildEnvironment({ warehouse, productionSchema, env, proposed: [{ slug: "shop", text }], parser });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      expect(result.summary.outcomes.filter((outcome) => outcome.status !== "succeeded")).toEqual([]);
      return result;
    };
    const promote = async (env: string) => expect(await promoteEnvironment({ warehouse, parser, productionSchema, env })).toMatchObject({ ok: true });
    const versionTableNames = async () =>
      (await warehouse.query(`select table_name from information_schema.tables where table_schema = '${VERSIONS_SCHEMA}' order by table_name`)).map((row) => String(row.table_name).replace(/__[0-9a-f]+$/, ""));
    try {
      await build("init", shop(upTo(20)));
      await promote("init");
      expect(await kindOf(warehouse, productionSchema, "big_orders")).toEqual(["VIEW"]);
      expect(await count(warehouse, "big_orders")).toBe(10);
      expect(await warehouse.query("select n from summary")).toEqual([{ n: 10 }]);
      // Nothing stored for the view: its version is its SQL.
      expect(await versionTableNames()).toEqual(["orders", "summary"]);
      expect([...(await versionViews(warehouse)).values()]).toEqual([expect.stringMatching(/\nselect id, amount from orders where amount > 100$/)]);

      // More orders, with a column inserted in the middle: the view's version changes with its input's.
      const wider = "select i as id, i % 2 as parity, i * 10 as amount from generate_series(1, 30) as g(i)";
      await build("more", shop(wider));
      expect(await count(warehouse, `"env__more".big_orders`)).toBe(20);
      expect(await count(warehouse, "big_orders")).toBe(10);
      const diff = await environmentDiff(warehouse, "more", { assets: ["big_orders"], key: ["id"] });
      expect(diff).toMatchObject({ ok: true, assets: { big_orders: { rows: { production: 10, env: 20 } } } });
      // Someone's own view over the view asset survives the promotion (PostgreSQL makes it again).
      await warehouse.exec(`create view mine as select count(*) as n from big_orders`);
      await promote("more");
      expect(await count(warehouse, "big_orders")).toBe(20);
      expect(await warehouse.query("select n from mine")).toEqual([{ n: 20 }]);
      await warehouse.exec("drop view mine");

      // The view's own SQL changes its columns.
      await build("parity", shop(wider, "select id, parity, amount from orders where amount > 100"));
      await promote("parity");
      expect(await warehouse.query("select id, parity from big_orders order by id limit 1")).toEqual([{ id: 11, parity: 1 }]);
      expect(await rollback({ warehouse, productionSchema })).toMatchObject({ ok: true, changed: ["big_orders"] });
      expect(Object.keys((await warehouse.query("select * from big_orders limit 1"))[0] ?? {})).toEqual(["id", "amount"]);

      // A production run writes the view production serves (its checks first); the environment
      // still serving that version keeps the view its build made, over its own inputs, and the
      // version's SQL stays the build's.
      const binding = await productionBinding(warehouse);
      if (binding === null) throw new Error("production is promoted");
      const cells = new Map(["orders", "big_orders", "summary"].map((name) => [name, { kind: "sql" as const }]));
      const run = productionRunWarehouse(warehouse, binding, cells);
      const text = shop(wider, "select id, amount from orders where amount > 250");
      expect(await materializeSql(run, sqlCell(text, "big_orders"))).toMatchObject({ ok: true, rows: 5 });
      expect(await count(warehouse, "big_orders")).toBe(5);
      expect(await count(warehouse, `"env__more".big_orders`)).toBe(20);
      expect([...(await versionViews(warehouse)).values()]).not.toContainEqual(expect.stringMatching(/amount > 250$/));
      expect(await versionTableNames()).not.toContain("big_orders");

      // Cleanup drops what nothing serves, the views' records with them.
      for (const env of ["init", "more", "parity"]) await dropEnvironment(warehouse, env);
      await collectVersions(warehouse, 0);
      expect((await versionViews(warehouse)).size).toBe(1);
      expect(await count(warehouse, "big_orders")).toBe(5);
    } finally {
      await warehouse.close();
    }
  });
});
