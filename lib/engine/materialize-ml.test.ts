import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MlCell } from "../notebook/types";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { materializeMl } from "./materialize-ml";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openDuckDbWarehouse({ path: ":memory:" });
  await warehouse.exec(
    "create table rides as select i as id, i % 17 as a, (i * 7) % 23 as b, 3 * (i % 17) - 2 * ((i * 7) % 23) + 5 as y from range(200) t(i)",
  );
});
afterEach(() => warehouse.close());

function mlCell(config: Record<string, unknown>): MlCell {
  const full = { from: "rides", target: "y", features: ["a", "b"], model: "linear", ...config };
  return { type: "asset", kind: "ml", name: "m", infoRest: "", body: "", line: 3, bodyLine: 4, config: full as MlCell["config"], deps: [], checks: [] };
}

describe("materializeMl", () => {
  it("writes the model, metrics, predictions and importance, readable by SQL", async () => {
    const result = await materializeMl(warehouse, mlCell({ key: "id" }));
    expect(result).toMatchObject({ ok: true, rows: 200 });
    const [r2] = await warehouse.query("select value from m__metrics where metric = 'r2' and split = 'test'");
    expect(Number(r2?.value)).toBeGreaterThan(0.999999);
    const worst = await warehouse.query("select max(abs(p.predicted - r.y)) as err from m__predictions p join rides r using (id)");
    expect(Number(worst[0]?.err)).toBeLessThan(1e-6);
    expect(await warehouse.query("select split, count(*) as n from m__predictions group by split order by split")).toEqual([
      { split: "test", n: 40 },
      { split: "train", n: 160 },
    ]);
    const importance = await warehouse.query("select feature from m__importance order by importance desc");
    expect(importance.map((r) => r.feature).sort()).toEqual(["a", "b"]);
    const [model] = await warehouse.query("select model from m");
    expect(JSON.parse(String(model?.model))).toMatchObject({ features: ["a", "b"] });
  });

  it("names the cell and the field on bad input and writes nothing", async () => {
    const result = await materializeMl(warehouse, mlCell({ features: ["a", "missing_column"] }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/^cell "m": features: .*missing_column/);
    expect(await warehouse.describe("m__predictions")).toBeNull();
  });
});
