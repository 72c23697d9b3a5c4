// Conformance cases for the atomic swap and the extract state written with it.
import { describe, expect, it } from "vitest";
import { rejection, type CurrentWarehouse } from "./conformance-helpers";
import { FencedError, FenceUnsupportedError } from "./fence";

export function swapCases(current: CurrentWarehouse): void {
  describe("swap", () => {
    it("creates a target that did not exist and removes the staging name", async () => {
      await current().exec("create table fresh__staging as select 1 as v");
      await current().swap([{ staging: "fresh__staging", target: "fresh" }]);
      expect(await current().query("select v from fresh")).toEqual([{ v: 1 }]);
      expect(await current().describe("fresh__staging")).toBeNull();
    });

    it("replaces an existing target, columns included", async () => {
      await current().exec("create table asset as select 1 as old_column");
      await current().exec("create table asset__staging as select 2 as v, 'x' as extra");
      await current().swap([{ staging: "asset__staging", target: "asset" }]);
      expect(await current().query("select * from asset")).toEqual([{ v: 2, extra: "x" }]);
      expect(await current().describe("asset__staging")).toBeNull();
    });

    it("retires a replaced table under the caller's name instead of dropping it", async () => {
      await current().exec("create table kept as select 1 as v");
      await current().exec("create table kept__staging as select 2 as v");
      await current().swap([{ staging: "kept__staging", target: "kept" }], [], { retireAs: (target) => `${target}__retired_1` });
      expect(await current().query("select v from kept")).toEqual([{ v: 2 }]);
      expect(await current().query("select v from kept__retired_1")).toEqual([{ v: 1 }]);
      // A first swap has nothing to retire; a placed asset's view follows the new table.
      await current().exec("create table firstly__staging as select 3 as v");
      await current().swap([{ staging: "firstly__staging", target: "firstly", aliases: ["retire_alias"] }], [], { retireAs: (target) => `${target}__retired_2` });
      expect(await current().query("select v from retire_alias.firstly")).toEqual([{ v: 3 }]);
      expect(await current().describe("firstly__retired_2")).toBeNull();
      await current().exec("create table firstly__staging as select 4 as v");
      await current().swap([{ staging: "firstly__staging", target: "firstly", aliases: ["retire_alias"] }], [], { retireAs: (target) => `${target}__retired_3` });
      expect(await current().query("select v from retire_alias.firstly")).toEqual([{ v: 4 }]);
      expect(await current().query("select v from firstly__retired_3")).toEqual([{ v: 3 }]);
    });

    it("swaps several tables and writes state in one go", async () => {
      await current().exec("create table a as select 1 as v");
      await current().exec("create table a__s as select 10 as v");
      await current().exec("create table b__s as select 20 as v");
      await current().swap(
        [
          { staging: "a__s", target: "a" },
          { staging: "b__s", target: "b" },
        ],
        [
          { key: "extract:a", value: { cursor: "2024-01-02T00:00:00Z", pages: 3 } },
          { key: "extract:b", value: 42 },
        ],
      );
      expect(await current().query("select v from a")).toEqual([{ v: 10 }]);
      expect(await current().query("select v from b")).toEqual([{ v: 20 }]);
      expect(await current().readState("extract:a")).toEqual({ cursor: "2024-01-02T00:00:00Z", pages: 3 });
      expect(await current().readState("extract:b")).toBe(42);
    });

    it("rolls everything back when one swap fails", async () => {
      await current().exec("create table a as select 1 as v");
      await current().exec("create table b as select 2 as v");
      await current().exec("create table a__s as select 10 as v");
      await current().swap([], [{ key: "cursor", value: "before" }]);
      const error = await rejection(
        current().swap(
          [
            { staging: "a__s", target: "a" },
            { staging: "b__missing", target: "b" },
          ],
          [{ key: "cursor", value: "after" }],
        ),
      );
      expect(error.kind).toBe("missing_table");
      expect(await current().query("select v from a")).toEqual([{ v: 1 }]);
      expect(await current().query("select v from b")).toEqual([{ v: 2 }]);
      expect(await current().query("select v from a__s")).toEqual([{ v: 10 }]);
      expect(await current().readState("cursor")).toBe("before");
      // And the warehouse is still usable for the retry.
      await current().exec("create table b__missing as select 20 as v");
      await current().swap(
        [
          { staging: "a__s", target: "a" },
          { staging: "b__missing", target: "b" },
        ],
        [{ key: "cursor", value: "after" }],
      );
      expect(await current().query("select a.v as a, b.v as b from a, b")).toEqual([{ a: 10, b: 20 }]);
      expect(await current().readState("cursor")).toBe("after");
    });

    it("deletes a state key written as undefined", async () => {
      await current().swap([], [{ key: "k", value: 1 }]);
      await current().swap([], [{ key: "k", value: undefined }]);
      expect(await current().readState("k")).toBeUndefined();
    });
  });

  describe("partition swap", () => {
    it("replaces only the rows of one partition, creating the target when missing", async () => {
      await current().exec("create table p__s as select 1 as v, 'a' as part");
      await current().swap([{ staging: "p__s", target: "p", partition: { column: "part", key: "a" } }]);
      await current().exec("create table p__s as select 2 as v, 'b' as part");
      await current().swap([{ staging: "p__s", target: "p", partition: { column: "part", key: "b" } }]);
      await current().exec("create table p__s as select 3 as v, 'a' as part union all select 4 as v, 'a' as part");
      await current().swap([{ staging: "p__s", target: "p", partition: { column: "part", key: "a" } }]);
      expect(await current().query("select v, part from p order by v")).toEqual([
        { v: 2, part: "b" },
        { v: 3, part: "a" },
        { v: 4, part: "a" },
      ]);
      expect(await current().describe("p__s")).toBeNull();
    });
  });

  describe("fenced swap", () => {
    // The browser adapter never materializes production runs: it refuses fences instead of ignoring them.
    const fenced = () => current().fences;

    it("an adapter that cannot fence refuses a fenced swap and changes nothing", async (ctx) => {
      if (fenced()) ctx.skip();
      await current().exec("create table t as select 1 as v");
      await current().exec("create table t__s as select 2 as v");
      const refused = await current()
        .swap([{ staging: "t__s", target: "t" }], [{ key: "cursor", value: "x" }], { fence: { key: "fence:run-0", token: 1 } })
        .then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(FenceUnsupportedError);
      expect(await current().query("select v from t")).toEqual([{ v: 1 }]);
      expect(await current().query("select v from t__s")).toEqual([{ v: 2 }]);
      expect(await current().readState("cursor")).toBeUndefined();
    });

    it("refuses a swap whose token is lower than the recorded one, changing nothing", async (ctx) => {
      if (!fenced()) ctx.skip();
      await current().exec("create table t as select 1 as v");
      await current().swap([], [], { fence: { key: "fence:run-1", token: 2 } });
      await current().exec("create table t__s as select 2 as v");
      const refused = await current()
        .swap([{ staging: "t__s", target: "t" }], [{ key: "cursor", value: "late" }], { fence: { key: "fence:run-1", token: 1 } })
        .then(() => null, (error: unknown) => error);
      expect(refused).toBeInstanceOf(FencedError);
      expect(await current().query("select v from t")).toEqual([{ v: 1 }]);
      expect(await current().query("select v from t__s")).toEqual([{ v: 2 }]);
      expect(await current().readState("cursor")).toBeUndefined();
      expect(await current().readState("fence:run-1")).toBe(2);
    });

    it("accepts the current and higher tokens, recording the highest", async (ctx) => {
      if (!fenced()) ctx.skip();
      await current().exec("create table t__s as select 1 as v");
      await current().swap([{ staging: "t__s", target: "t" }], [], { fence: { key: "fence:run-2", token: 1 } });
      await current().exec("create table t__s as select 2 as v");
      await current().swap([{ staging: "t__s", target: "t" }], [], { fence: { key: "fence:run-2", token: 1 } });
      await current().exec("create table t__s as select 3 as v");
      await current().swap([{ staging: "t__s", target: "t" }], [], { fence: { key: "fence:run-2", token: 3 } });
      expect(await current().query("select v from t")).toEqual([{ v: 3 }]);
      expect(await current().readState("fence:run-2")).toBe(3);
    });

    it("rolls back when beforeCommit throws", async () => {
      await current().exec("create table t as select 1 as v");
      await current().exec("create table t__s as select 2 as v");
      const boom = current().swap([{ staging: "t__s", target: "t" }], [], {
        ...(fenced() ? { fence: { key: "fence:run-3", token: 1 } } : {}),
        beforeCommit: () => Promise.reject(new Error("boom")),
      });
      await expect(boom).rejects.toThrow("boom");
      expect(await current().query("select v from t")).toEqual([{ v: 1 }]);
      expect(await current().readState("fence:run-3")).toBeUndefined();
    });
  });

  describe("state", () => {
    it("is undefined when absent, then written, then overwritten", async () => {
      expect(await current().readState("cursor:rides")).toBeUndefined();
      await current().swap([], [{ key: "cursor:rides", value: { at: "2024-01-01", ids: [1, 2] } }]);
      expect(await current().readState("cursor:rides")).toEqual({ at: "2024-01-01", ids: [1, 2] });
      await current().swap([], [{ key: "cursor:rides", value: null }]);
      expect(await current().readState("cursor:rides")).toBeNull();
      await current().swap([], [{ key: "cursor:rides", value: "it's 'quoted'" }]);
      expect(await current().readState("cursor:rides")).toBe("it's 'quoted'");
    });
  });
}
