// The promotion step as a golden file: only assets whose version changes get steps; a
// table the new version lacks loses its view; the record keeps both states for rollback.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/golden";
import { promotedState, transitionSteps, viewsLast, type ServedState } from "./transition";

const tables: Record<string, string[]> = {
  v_orders_1: ["orders"],
  v_orders_2: ["orders"],
  v_raw_1: ["raw", "raw__items", "raw__tags"],
  v_raw_2: ["raw", "raw__items"],
  v_top_1: ["top"],
  v_daily_1: ["daily"],
  v_new_1: ["forecast"],
};
const tablesOf = (version: string) => tables[version] ?? [];

const production: ServedState = {
  assets: { raw: "v_raw_1", orders: "v_orders_1", daily: "v_daily_1", top: "v_top_1" },
  notebooks: { sales: "sales v1", report: "report v1" },
};
const env: ServedState = {
  assets: { raw: "v_raw_2", orders: "v_orders_2", daily: "v_daily_1", forecast: "v_new_1" },
  notebooks: { sales: "sales v2", forecast: "forecast v1" },
};

describe("a promotion's transaction", () => {
  it("points changed assets, drops removed ones, and records both states", () => {
    const to = promotedState(production, env, { assets: ["top"], notebooks: ["report"] });
    const steps = transitionSteps({
      productionSchema: "main",
      from: production,
      to,
      tablesOf,
      record: { id: "p1", seq: 1, env: "feature", planHash: "abc", at: new Date("2026-12-02T10:00:00Z") },
    });
    expectGolden(path.join(import.meta.dirname, "__fixtures__", "transition.steps.json"), `${JSON.stringify(steps, null, 2)}\n`);
    expect(steps.some((step) => "view" in step && step.view.name === "daily")).toBe(false);
  });

  it("rolls back as the same step in reverse", () => {
    const to = promotedState(production, env, { assets: ["top"], notebooks: ["report"] });
    const back = transitionSteps({ productionSchema: "main", from: to, to: production, tablesOf, record: { id: "r1", seq: 2, env: "rollback", planHash: "", at: new Date(0) } });
    const views = back.flatMap((step) => ("view" in step ? [[step.view.name, step.view.target !== null && "table" in step.view.target ? step.view.target.table : null]] : []));
    expect(views).toEqual([
      ["forecast", null],
      ["orders", "orders__v_orders_1"],
      ["raw", "raw__v_raw_1"],
      ["raw__items", "raw__items__v_raw_1"],
      ["raw__tags", "raw__tags__v_raw_1"],
      ["top", "top__v_top_1"],
    ]);
  });

  it("makes view assets' views after every table, a view after the views its SQL names", () => {
    const sql: Record<string, string> = { a_top: "select * from b_mid join c_low using (id)", b_mid: "select * from c_low", c_low: "select * from orders" };
    expect(viewsLast(["a_top", "b_mid", "c_low", "orders", "x"], (asset) => sql[asset])).toEqual(["orders", "x", "c_low", "b_mid", "a_top"]);
    // A cycle keeps the given order.
    expect(viewsLast(["p", "q"], (asset) => (asset === "p" ? "select * from q" : "select * from p"))).toEqual(["p", "q"]);
    const steps = transitionSteps({
      productionSchema: "main",
      from: { assets: {}, notebooks: {} },
      to: { assets: { big: "v2", orders: "v1" }, notebooks: {} },
      tablesOf: (version) => (version === "v2" ? ["big"] : ["orders"]),
      viewOf: (version) => (version === "v2" ? "select * from orders" : undefined),
      record: { id: "p1", seq: 1, env: "e", planHash: "h", at: new Date(0) },
    });
    expect(steps.flatMap((step) => ("view" in step ? [step.view] : []))).toEqual([
      { schema: "main", name: "orders", target: { schema: "_assetbook_v", table: "orders__v1" } },
      { schema: "main", name: "big", target: { sql: "select * from orders" } },
    ]);
  });
});
