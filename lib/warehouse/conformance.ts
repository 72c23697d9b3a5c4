// The one conformance suite every Warehouse adapter must pass (duckdb-node, duckdb-wasm,
// postgres). Backend-neutral SQL only. Call it from the adapter's test file:
//   warehouseConformance("duckdb-node :memory:", () => openDuckDbWarehouse({ path: ":memory:" }));
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { abortCases } from "./conformance-abort";
import { count, rejection, TYPE_SPELLINGS } from "./conformance-helpers";
import { loadingCases } from "./conformance-load";
import { schemaCases } from "./conformance-schemas";
import { swapCases } from "./conformance-swap";
import { WarehouseError } from "./errors";
import type { Warehouse } from "./types";

export function warehouseConformance(name: string, open: () => Promise<Warehouse>): void {
  describe(`Warehouse conformance: ${name}`, () => {
    let warehouse: Warehouse;
    beforeEach(async () => {
      warehouse = await open();
    });
    afterEach(async () => {
      await warehouse.close();
    });

    describe("query and exec", () => {
      it("runs statements and returns rows as plain objects with numbers", async () => {
        await warehouse.exec("create table people (id bigint, name varchar, score double precision)");
        await warehouse.exec("insert into people values (1, 'ada', 9.5), (2, 'bob', null)");
        const rows = await warehouse.query("select id, name, score from people order by id");
        expect(rows).toEqual([
          { id: 1, name: "ada", score: 9.5 },
          { id: 2, name: "bob", score: null },
        ]);
        expect(await count(warehouse, "people")).toBe(2);
      });

      it("returns the rows of the last statement and [] for an empty result", async () => {
        const rows = await warehouse.query("create table t (x bigint); insert into t values (7); select x from t");
        expect(rows).toEqual([{ x: 7 }]);
        expect(await warehouse.query("select x from t where x > 100")).toEqual([]);
      });

      it("keeps integers beyond 2^53 exact as bigint", async () => {
        const [row] = await warehouse.query("select cast(9007199254740993 as bigint) as big, cast(42 as bigint) as small");
        expect(row).toEqual({ big: 9007199254740993n, small: 42 });
      });

      it("raises a WarehouseError naming a missing table", async () => {
        const error = await rejection(warehouse.query("select * from no_such_asset"));
        expect(error.kind).toBe("missing_table");
        expect(error.hint).toContain("no_such_asset");
        expect(error.sql).toBe("select * from no_such_asset");
      });

      it("raises a syntax error and stays usable", async () => {
        const error = await rejection(warehouse.query("selec 1"));
        expect(error.kind).toBe("syntax");
        expect(await warehouse.query("select 1 as one")).toEqual([{ one: 1 }]);
      });
    });

    describe("describe", () => {
      it("returns null for a missing table", async () => {
        expect(await warehouse.describe("missing_table")).toBeNull();
      });

      it("returns columns in order with types and nullability", async () => {
        await warehouse.exec("create table d (id bigint not null, name varchar, seen timestamp)");
        const columns = await warehouse.describe("d");
        expect(columns?.map((c) => c.name)).toEqual(["id", "name", "seen"]);
        expect(TYPE_SPELLINGS.BIGINT).toContain(columns?.[0]?.type);
        expect(TYPE_SPELLINGS.VARCHAR).toContain(columns?.[1]?.type);
        expect(TYPE_SPELLINGS.TIMESTAMP).toContain(columns?.[2]?.type);
        expect(columns?.map((c) => c.nullable)).toEqual([false, true, true]);
      });
    });
    loadingCases(() => warehouse);
    swapCases(() => warehouse);
    abortCases(() => warehouse);
    schemaCases(() => warehouse);

    describe("createTableAs", () => {
      it("creates a table from a query and returns its row count, replacing a leftover", async () => {
        const made = await warehouse.createTableAs("made", "select 1 as v union all select 2 -- a trailing comment");
        expect(made.rows).toBe(2);
        expect(made.columns).toEqual(await warehouse.describe("made"));
        expect(await warehouse.query("select v from made order by v")).toEqual([{ v: 1 }, { v: 2 }]);
        const empty = await warehouse.createTableAs("made", "select 'x' as w where false");
        expect(empty.rows).toBe(0);
        expect(empty.columns.map((column) => column.name)).toEqual(["w"]);
      });

      it("reports a bad query by its error and leaves no table", async () => {
        const error = await warehouse.createTableAs("bad", "select 1 as v\nfrom missing_table_here").then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(WarehouseError);
        expect(String(error)).toContain("missing_table_here");
        expect(await warehouse.describe("bad")).toBeNull();
      });
    });

    describe("drop", () => {
      it("drops a table and ignores a missing one", async () => {
        await warehouse.exec("create table gone as select 1 as v");
        await warehouse.drop("gone");
        expect(await warehouse.describe("gone")).toBeNull();
        await expect(warehouse.drop("never_existed")).resolves.toBeUndefined();
      });
    });

    describe("concurrency", () => {
      it("serializes concurrent callers", async () => {
        await warehouse.exec("create table hits (n bigint)");
        const writes = Array.from({ length: 25 }, (_, n) => warehouse.exec(`insert into hits values (${n})`));
        const reads = Array.from({ length: 25 }, (_, n) => warehouse.query(`select ${n} as n`));
        await Promise.all(writes);
        expect((await Promise.all(reads)).map((rows) => rows[0]?.n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
        expect(await count(warehouse, "hits")).toBe(25);
      });

      it("does not let other callers' statements into a swap's transaction", async () => {
        await warehouse.exec("create table t as select 1 as v");
        await warehouse.exec("create table t__s as select 2 as v");
        await warehouse.exec("create table log (n bigint)");
        const failing = warehouse.swap([
          { staging: "t__s", target: "t" },
          { staging: "nope", target: "u" },
        ]);
        const concurrentInsert = warehouse.exec("insert into log values (1)");
        await expect(failing).rejects.toBeInstanceOf(WarehouseError);
        await concurrentInsert;
        // The insert was not rolled back with the failed swap.
        expect(await count(warehouse, "log")).toBe(1);
        expect(await warehouse.query("select v from t")).toEqual([{ v: 1 }]);
      });

      it("refuses calls after close", async () => {
        await warehouse.close();
        const error = await rejection(warehouse.query("select 1"));
        expect(error.kind).toBe("closed");
        warehouse = await open();
      });
    });
  });
}
