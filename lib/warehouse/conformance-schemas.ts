// Conformance cases for what the lifecycle needs of a warehouse: a surface over another
// schema (writes there, names read through a search path), swaps that carry views with
// them, guards, and one transaction of steps.
import { describe, expect, it } from "vitest";
import type { CurrentWarehouse } from "./conformance-helpers";
import { GuardError } from "./errors";

/** What a promise rejects with (null when it resolves). */
function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

export function schemaCases(current: CurrentWarehouse): void {
  describe("schemas, views and transactions", () => {
    it("inSchema writes in its schema and reads names through its path, leaving the base as it was", async () => {
      await current().exec(`create schema if not exists "v_test"`);
      await current().exec(`create schema if not exists "e_test"`);
      await current().exec("create table src as select 1 as v");
      const scoped = current().inSchema("v_test", ["e_test", current().schema]);
      await scoped.exec("create table built as select v + 1 as v from src");
      expect(await scoped.describe("built")).not.toBeNull();
      expect(await current().describe("built")).toBeNull();
      expect(await current().query(`select v from "v_test"."built"`)).toEqual([{ v: 2 }]);
      // The base surface still creates and reads in its own schema.
      await current().exec("create table plain as select 3 as v");
      expect(await current().describe("plain")).not.toBeNull();
      expect(await scoped.describe("plain")).toBeNull();
    });

    it("a swap points views at its target, also when they already read the old table", async () => {
      await current().exec(`create schema if not exists "v_test"`);
      await current().exec(`create schema if not exists "e_test"`);
      const scoped = current().inSchema("v_test", [current().schema]);
      for (const v of [1, 2]) {
        await scoped.exec(`create table t__staging as select ${v} as v`);
        await scoped.swap([{ staging: "t__staging", target: "t__ver", views: [{ schema: "e_test", name: "t" }] }]);
        expect(await current().query(`select v from "e_test"."t"`)).toEqual([{ v }]);
      }
      // A user's view over ours survives the swap (no CASCADE).
      await current().exec(`create view "e_test"."mine" as select v * 10 as w from "e_test"."t"`);
      await scoped.exec("create table t__staging as select 3 as v");
      await scoped.swap([{ staging: "t__staging", target: "t__ver", views: [{ schema: "e_test", name: "t" }] }]);
      expect(await current().query(`select w from "e_test"."mine"`)).toEqual([{ w: 30 }]);
      expect(await scoped.describe("t__ver__old")).toBeNull();
    });

    it("a view swap makes its target a view over the query (a table of that name goes), and a table swap replaces a view", async () => {
      await current().exec("create table vin as select 1 as v union all select 2");
      await current().exec("create table vq as select 0 as v");
      await current().exec("create view vq__staging as select v * 10 as w from vin");
      await current().swap([{ staging: "vq__staging", target: "vq", view: "select v * 10 as w from vin -- a trailing comment" }]);
      await current().exec("insert into vin values (3)");
      expect(await current().query("select w from vq order by w")).toEqual([{ w: 10 }, { w: 20 }, { w: 30 }]);
      expect(await current().query("select count(*) as n from vq__staging").catch(() => "gone")).toBe("gone");
      await current().exec("create table vq__staging as select 7 as t");
      await current().swap([{ staging: "vq__staging", target: "vq" }]);
      expect(await current().query("select t from vq")).toEqual([{ t: 7 }]);
      // Placed in a schema (aliases): a view, then a table again, served there as well.
      await current().exec("create view vq__staging as select v from vin");
      await current().swap([{ staging: "vq__staging", target: "vq", view: "select v from vin", aliases: ["p_test"] }]);
      expect(await current().query(`select count(*) as n from "p_test"."vq"`)).toEqual([{ n: 3 }]);
      await current().exec("create table vq__staging as select 8 as t");
      await current().swap([{ staging: "vq__staging", target: "vq", aliases: ["p_test"] }]);
      expect(await current().query(`select t from "p_test"."vq"`)).toEqual([{ t: 8 }]);
      expect(await current().query("select t from vq")).toEqual([{ t: 8 }]);
    });

    it("a view over a query reads bare names from its own schema first; views over a view it replaces with other columns are kept", async () => {
      await current().exec(`create schema if not exists "e_test"`);
      const base = current().schema;
      await current().exec("create table src as select 1 as v");
      await current().exec(`create table "e_test"."src" as select 2 as v`);
      await current().transaction([{ view: { schema: "e_test", name: "q", target: { sql: "select v from src" } } }]);
      await current().transaction([{ view: { schema: base, name: "q", target: { sql: "select v from src" } } }]);
      expect(await current().query(`select v from "e_test"."q"`)).toEqual([{ v: 2 }]);
      expect(await current().query("select v from q")).toEqual([{ v: 1 }]);
      // Someone's view over q, and a view over that: kept when q gets other columns.
      await current().exec(`create view "e_test"."over_q" as select v + 1 as w from "e_test"."q"`);
      await current().exec(`create view "e_test"."over_over" as select w * 2 as x from "e_test"."over_q"`);
      await current().transaction([{ view: { schema: "e_test", name: "q", target: { sql: "select 'new' as label, v from src" } } }]);
      expect(await current().query(`select label, v from "e_test"."q"`)).toEqual([{ label: "new", v: 2 }]);
      expect(await current().query(`select x from "e_test"."over_over"`)).toEqual([{ x: 6 }]);
      // PostgreSQL binds views when they are made: one that no longer fits refuses the
      // change, naming it, and nothing changes. (DuckDB binds them when read.)
      if (current().backend === "postgres") {
        const error = await refusal(current().transaction([{ view: { schema: "e_test", name: "q", target: { sql: "select 'only' as label" } } }]));
        expect(String(error)).toMatch(/over_q/);
        expect(await current().query(`select x from "e_test"."over_over"`)).toEqual([{ x: 6 }]);
      }
    });

    it("a guard that finds no row refuses the swap and changes nothing", async () => {
      await current().exec("create table g as select 1 as v");
      await current().exec("create table g__s as select 2 as v");
      const error = await refusal(current().swap([{ staging: "g__s", target: "g" }], [], { guards: [{ sql: "select 1 as ok where false", message: "not any more" }] }));
      expect(error).toBeInstanceOf(GuardError);
      expect(String(error)).toMatch(/not any more/);
      expect(await current().query("select v from g")).toEqual([{ v: 1 }]);
      expect(await current().describe("g__s")).not.toBeNull();
    });

    it("runs steps in one transaction: views created, replaced with other columns, dropped; a failing step undoes all", async () => {
      await current().exec(`create schema if not exists "e_test"`);
      await current().exec("create table one as select 1 as a");
      await current().exec("create table two as select 'x' as b, 2 as c");
      const base = current().schema;
      await current().transaction([{ view: { schema: "e_test", name: "w", target: { schema: base, table: "one" } } }, { sql: "create table marker as select 1 as m" }]);
      expect(await current().query(`select a from "e_test"."w"`)).toEqual([{ a: 1 }]);
      await current().transaction([{ view: { schema: "e_test", name: "w", target: { schema: base, table: "two" } } }]);
      expect(await current().query(`select b, c from "e_test"."w"`)).toEqual([{ b: "x", c: 2 }]);
      const error = await refusal(
        current().transaction([{ view: { schema: "e_test", name: "w", target: null } }, { guard: { sql: "select 1 as ok where false", message: "stop" } }]),
      );
      expect(error).toBeInstanceOf(GuardError);
      expect(await current().query(`select b from "e_test"."w"`)).toEqual([{ b: "x" }]);
      await current().transaction([{ view: { schema: "e_test", name: "w", target: null } }]);
      expect(await current().query(`select count(*) as n from information_schema.tables where table_schema = 'e_test' and table_name = 'w'`)).toEqual([{ n: 0 }]);
    });
  });
}
