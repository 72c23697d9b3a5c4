// Assets placed in schemas (`schema: staging`) on a real DuckDB and a real PostgreSQL: served
// in their schema as well as under their bare name; a qualified reference reads the asset as
// the environment sees it (an environment's build of `staging.orders` reads its own); moving
// an asset to another schema moves where production serves it; production runs follow.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { materializeCell } from "../engine/materialize-cell";
import { NodeSqlReferenceParser } from "../graph/sql-refs-node";
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace } from "../notebook/workspace-file";
import type { Warehouse } from "../warehouse/types";
import { testWarehouses } from "./test-warehouses";
import { buildEnvironment } from "./build";
import { productionBinding, productionRunWarehouse } from "./production-runs";
import { promoteEnvironment, rollback } from "./promote";
import { unqualifyAssets, unqualifyCell } from "./unqualify";

const backends = testWarehouses("schemas");

let parser: NodeSqlReferenceParser;
beforeAll(async () => {
  parser = await NodeSqlReferenceParser.create();
});
afterAll(() => parser?.close());

const fence = "```";
const staging = (rows: number, schema = "staging") =>
  ["---", "title: Staging", `schema: ${schema}`, "---", "", `${fence}sql stg_orders`, `select i as id from generate_series(1, ${rows}) as g(i)`, fence, ""].join("\n");
const marts = (reads = "staging.stg_orders") =>
  [
    "---",
    "title: Marts",
    `external: [${reads}]`,
    "---",
    "",
    `${fence}sql order_count`,
    "-- schema: marts",
    `-- checks: relationships(n, ${reads}.id)`,
    `select count(*) as n from ${reads}`,
    fence,
    "",
    `${fence}sql report`,
    "select n from marts.order_count",
    fence,
    "",
  ].join("\n");

const count = async (warehouse: Warehouse, relation: string) => Number((await warehouse.query(`select count(*) as n from ${relation}`))[0]?.n);
const schemaOf = async (warehouse: Warehouse, name: string) =>
  (await warehouse.query(`select table_schema from information_schema.tables where table_name = '${name}' and table_schema not like 'env__%' and table_schema <> '_assetbook_v' order by table_schema`)).map((row) => String(row.table_schema));

describe("unqualifyAssets", () => {
  it("writes a qualified reference to an asset bare, wherever and however it is spelled, and leaves other tables alone", async () => {
    const isAsset = (schema: string, name: string) => (schema === "staging" && name === "orders") || (schema === "main" && name === "orders");
    const sql = `-- é comment\nselect * from staging . "orders" o join raw.orders r using (id)\nwhere exists (select 1 from "staging".orders) and id in (select id from main.orders)`;
    expect(await unqualifyAssets(sql, parser, isAsset)).toBe(`-- é comment\nselect * from "orders" o join raw.orders r using (id)\nwhere exists (select 1 from orders) and id in (select id from orders)`);
    expect(await unqualifyAssets("select 'staging.orders' as s from other.t", parser, isAsset)).toBe("select 'staging.orders' as s from other.t");
    expect(await unqualifyAssets("not sql at all", parser, isAsset)).toBe("not sql at all");
  });

  it("a chart's and a model's table, and a check's other table, are written bare too", async () => {
    const isAsset = (schema: string, name: string) => schema === "staging" && name === "orders";
    const text = ["```chart c", "from: staging.orders", "mark: bar", "x: a", "y: b", "checks: relationships(a, staging.orders.id)", "```", "", "```ml m", "from: staging.orders", "target: b", "features: [a]", "model: linear", "predict_on: raw.orders", "```", ""].join("\n");
    const cells = parseNotebookIn(text, "nb.md", emptyWorkspace("production")).notebook?.cells ?? [];
    const localized = await Promise.all(cells.flatMap((cell) => (cell.type === "asset" ? [unqualifyCell(cell, parser, isAsset)] : [])));
    expect(localized.map((cell) => [cell.name, cell.kind === "ml" || cell.kind === "chart" ? cell.config.from : null, cell.kind === "ml" ? cell.config.predict_on : null, cell.checks.map((check) => ("to" in check ? check.to : null))])).toEqual([
      ["c", "orders", null, ["orders"]],
      ["m", "orders", "raw.orders", []],
    ]);
  });
});

describe.each(backends)("assets placed in schemas on $name", (backend) => {
  it("are served in their schema; an environment's qualified reads are its own; a move changes where production serves; runs follow", async () => {
    const warehouse = await backend.open();
    const productionSchema = warehouse.schema;
    const build = async (env: string, texts: Record<string, string>) => {
      const result = await buildEnvironment({ warehouse, productionSchema, env, proposed: Object.entries(texts).map(([slug, text]) => ({ slug, text })), parser });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      expect(result.summary.outcomes.filter((outcome) => outcome.status !== "succeeded")).toEqual([]);
    };
    const promote = async (env: string) => expect(await promoteEnvironment({ warehouse, parser, productionSchema, env })).toMatchObject({ ok: true });
    try {
      await build("init", { staging: staging(3), marts: marts() });
      await promote("init");
      expect(await schemaOf(warehouse, "stg_orders")).toEqual([productionSchema, "staging"].sort());
      expect(await schemaOf(warehouse, "order_count")).toEqual(["marts", productionSchema].sort());
      expect(await schemaOf(warehouse, "report")).toEqual([productionSchema]);
      expect(await warehouse.query("select n from marts.order_count")).toEqual([{ n: 3 }]);

      // More orders: the environment's build of order_count reads its own staging.stg_orders, production keeps its own.
      await build("more", { staging: staging(5), marts: marts() });
      expect(await warehouse.query(`select n from "env__more".order_count`)).toEqual([{ n: 5 }]);
      expect(await warehouse.query(`select n from "env__more".report`)).toEqual([{ n: 5 }]);
      expect(await warehouse.query("select n from marts.order_count")).toEqual([{ n: 3 }]);
      await promote("more");
      expect(await count(warehouse, "staging.stg_orders")).toBe(5);
      expect(await warehouse.query("select n from marts.order_count")).toEqual([{ n: 5 }]);

      // stg_orders moves to another schema (its readers name it bare): production serves it there, not in staging.
      await build("moved", { staging: staging(5, "raw_zone"), marts: marts("stg_orders") });
      await promote("moved");
      expect(await schemaOf(warehouse, "stg_orders")).toEqual([productionSchema, "raw_zone"].sort());
      expect(await rollback({ warehouse, productionSchema })).toMatchObject({ ok: true });
      expect(await schemaOf(warehouse, "stg_orders")).toEqual([productionSchema, "staging"].sort());

      // A production run writes the version production serves; its schema's view follows.
      const binding = await productionBinding(warehouse);
      if (binding === null) throw new Error("production is promoted");
      const prepared = parseNotebookIn(staging(7), "staging.md", emptyWorkspace("production"));
      const cell = prepared.notebook?.cells.find((c) => c.type === "asset");
      if (cell?.type !== "asset") throw new Error("no cell");
      const run = productionRunWarehouse(warehouse, binding, new Map([["stg_orders", { kind: "sql" as const }]]));
      expect(await materializeCell(cell, run, { extract: null })).toMatchObject({ ok: true, rows: 7 });
      expect(await count(warehouse, "staging.stg_orders")).toBe(7);
      expect(await count(warehouse, "stg_orders")).toBe(7);
    } finally {
      await warehouse.close();
    }
  });
});
