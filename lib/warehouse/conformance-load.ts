// Conformance cases for loading data: loadRows and loadArrow.
import { describe, expect, it } from "vitest";
import { Bool, DateDay, Float64, Int64, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray } from "apache-arrow";
import { ALL_TYPES, count, parseJson, rejection, TYPE_SPELLINGS, type CurrentWarehouse } from "./conformance-helpers";
import type { ColumnSpec } from "./types";

export function loadingCases(current: CurrentWarehouse): void {
  describe("loadRows", () => {
    it("creates a table with every logical type and round-trips values and nulls", async () => {
      await current().loadRows("typed", ALL_TYPES, [
        {
          id: 1,
          amount: 12.25,
          active: true,
          label: "it's",
          seen_at: new Date("2024-03-01T10:20:30.123Z"),
          day: "2024-03-01",
          payload: { a: [1, 2], b: { c: "x" } },
        },
        { id: 2n, amount: 0, active: false, label: "", seen_at: "2024-03-02 08:00:00", day: new Date("2024-03-02T00:00:00Z"), payload: [1, "two"] },
        { id: 3 }, // every other column missing: NULL
        { id: null, amount: null, active: null, label: null, seen_at: null, day: null, payload: null },
      ]);
      const columns = await current().describe("typed");
      for (const spec of ALL_TYPES) {
        const column = columns?.find((c) => c.name === spec.name);
        expect(TYPE_SPELLINGS[spec.type], spec.name).toContain(column?.type);
      }
      const rows = await current().query("select * from typed order by id nulls last");
      expect(rows).toHaveLength(4);
      expect(rows[0]).toMatchObject({ id: 1, amount: 12.25, active: true, label: "it's" });
      expect(rows[0]?.seen_at).toEqual(new Date("2024-03-01T10:20:30.123Z"));
      expect(rows[0]?.day).toEqual(new Date("2024-03-01T00:00:00Z"));
      expect(parseJson(rows[0]?.payload)).toEqual({ a: [1, 2], b: { c: "x" } });
      expect(rows[1]).toMatchObject({ id: 2, amount: 0, active: false, label: "" });
      // A timestamp without a zone is UTC.
      expect(rows[1]?.seen_at).toEqual(new Date("2024-03-02T08:00:00Z"));
      expect(rows[1]?.day).toEqual(new Date("2024-03-02T00:00:00Z"));
      expect(parseJson(rows[1]?.payload)).toEqual([1, "two"]);
      expect(rows[2]).toEqual({ id: 3, amount: null, active: null, label: null, seen_at: null, day: null, payload: null });
      expect(Object.values(rows[3] ?? {}).every((v) => v === null)).toBe(true);
    });

    it("appends to an existing table, filling columns the rows lack with NULL", async () => {
      const specs: ColumnSpec[] = [
        { name: "id", type: "BIGINT" },
        { name: "name", type: "VARCHAR" },
      ];
      await current().loadRows("items", specs, [{ id: 1, name: "a" }]);
      await current().loadRows("items", specs, [
        { id: 2, name: "b" },
        { id: 3, name: "c" },
      ]);
      await current().loadRows("items", [{ name: "id", type: "BIGINT" }], [{ id: 4 }]);
      const rows = await current().query("select id, name from items order by id");
      expect(rows).toEqual([
        { id: 1, name: "a" },
        { id: 2, name: "b" },
        { id: 3, name: "c" },
        { id: 4, name: null },
      ]);
    });

    it("loads more rows than one batch", async () => {
      const rows = Array.from({ length: 5000 }, (_, i) => ({ n: i, s: `row ${i}` }));
      await current().loadRows("many", [{ name: "n", type: "BIGINT" }, { name: "s", type: "VARCHAR" }], rows);
      const [stats] = await current().query("select count(*) as c, sum(n) as total, max(s) as top from many");
      expect(stats).toEqual({ c: 5000, total: (4999 * 5000) / 2, top: "row 999" });
    });

    it("creates an empty table from zero rows", async () => {
      await current().loadRows("empty", [{ name: "x", type: "DOUBLE" }], []);
      expect(await count(current(), "empty")).toBe(0);
      expect((await current().describe("empty"))?.map((c) => c.name)).toEqual(["x"]);
    });

    it("refuses a value that does not fit and loads nothing", async () => {
      const specs: ColumnSpec[] = [{ name: "n", type: "BIGINT" }];
      await current().loadRows("strict", specs, [{ n: 1 }]);
      const error = await rejection(current().loadRows("strict", specs, [{ n: 2 }, { n: "not a number" }]));
      expect(error.kind).toBe("conversion");
      expect(error.message).toContain("n");
      expect(await current().query("select n from strict")).toEqual([{ n: 1 }]);
    });

    it("refuses rows with a column the existing table lacks", async () => {
      await current().loadRows("narrow", [{ name: "a", type: "BIGINT" }], [{ a: 1 }]);
      const error = await rejection(
        current().loadRows("narrow", [{ name: "a", type: "BIGINT" }, { name: "b", type: "VARCHAR" }], [{ a: 2, b: "x" }]),
      );
      expect(error.kind).toBe("column_mismatch");
      expect(await count(current(), "narrow")).toBe(1);
    });
  });

  describe("loadArrow", () => {
    function arrowIpc(ids: bigint[]): Uint8Array {
      const table = new Table({
        id: vectorFromArray(ids, new Int64()),
        price: vectorFromArray(ids.map((id) => Number(id) + 0.5), new Float64()),
        name: vectorFromArray(ids.map((id) => (id === 2n ? null : `n${id}`)), new Utf8()),
        ok: vectorFromArray(ids.map((id) => id % 2n === 0n), new Bool()),
        at: vectorFromArray(ids.map((id) => new Date(Date.UTC(2024, 0, Number(id), 12))), new TimestampMillisecond()),
        day: vectorFromArray(ids.map((id) => new Date(Date.UTC(2024, 0, Number(id)))), new DateDay()),
      });
      return tableToIPC(table, "stream");
    }

    it("creates a table from an IPC stream and round-trips the values", async () => {
      await current().loadArrow("arrowed", arrowIpc([1n, 2n]));
      const columns = await current().describe("arrowed");
      expect(columns?.map((c) => c.name)).toEqual(["id", "price", "name", "ok", "at", "day"]);
      expect(TYPE_SPELLINGS.TIMESTAMP).toContain(columns?.[4]?.type);
      const rows = await current().query("select * from arrowed order by id");
      expect(rows).toEqual([
        { id: 1, price: 1.5, name: "n1", ok: false, at: new Date("2024-01-01T12:00:00Z"), day: new Date("2024-01-01T00:00:00Z") },
        { id: 2, price: 2.5, name: null, ok: true, at: new Date("2024-01-02T12:00:00Z"), day: new Date("2024-01-02T00:00:00Z") },
      ]);
    });

    it("appends a second stream to the same table", async () => {
      await current().loadArrow("arrowed", arrowIpc([1n, 2n]));
      await current().loadArrow("arrowed", arrowIpc([3n]));
      expect(await current().query("select id from arrowed order by id")).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    });

    it("loads an empty stream as an empty table", async () => {
      const empty = new Table({ x: vectorFromArray([], new Int64()) });
      await current().loadArrow("arrow_empty", tableToIPC(empty, "stream"));
      expect(await current().describe("arrow_empty")).not.toBeNull();
      expect(await count(current(), "arrow_empty")).toBe(0);
    });
  });
}
