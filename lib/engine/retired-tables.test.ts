import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import type { Warehouse } from "../warehouse/types";
import { RetiredTables } from "./retired-tables";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openDuckDbWarehouse({ path: ":memory:" });
});
afterEach(() => warehouse.close());

const tables = async () => (await warehouse.query("select table_name from duckdb_tables() where schema_name = 'main' order by table_name")).map((row) => String(row.table_name));

async function rebuild(retiring: Warehouse, v: number): Promise<void> {
  await retiring.createTableAs("t__staging", `select ${v} as v`);
  await retiring.swap([{ staging: "t__staging", target: "t" }]);
}

describe("RetiredTables", () => {
  it("keeps at most one replaced copy of a table aside, and drops it when idle", async () => {
    const retired = new RetiredTables();
    const retiring = retired.wrap(warehouse);
    await rebuild(retiring, 1);
    await rebuild(retiring, 2);
    expect((await tables()).filter((name) => name.startsWith("_ab_retired__t__"))).toHaveLength(1);
    await rebuild(retiring, 3);
    const aside = (await tables()).filter((name) => name.startsWith("_ab_retired__t__"));
    expect(aside).toHaveLength(1);
    expect(await warehouse.query(`select v from "${aside[0]}"`)).toEqual([{ v: 2 }]);
    expect(await warehouse.query("select v from t")).toEqual([{ v: 3 }]);
    await retired.drop(() => true);
    expect(await tables()).toEqual(["t"]);
  });

  it("stops dropping when the session is busy again", async () => {
    const retired = new RetiredTables();
    const retiring = retired.wrap(warehouse);
    await rebuild(retiring, 1);
    await rebuild(retiring, 2);
    await retired.drop(() => false);
    expect((await tables()).filter((name) => name.startsWith("_ab_retired__"))).toHaveLength(1);
  });
});
