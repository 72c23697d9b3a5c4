// Conformance cases for calls under an AbortSignal (see conformance.ts and abortable.ts):
// an abort stops the statement in flight and frees the connection for the next caller.
// There is no timing assertion: a statement that would run for hours must end, and the
// test runner's own timeout is the guard.
import { describe, expect, it } from "vitest";
import { rejection, type CurrentWarehouse } from "./conformance-helpers";

// About 10^12 rows joined: hours on any backend, and nothing an optimizer can skip. Every
// row passes the filter: a join that emits nothing can keep DuckDB in one task for good,
// and DuckDB-WASM cancels only between tasks.
const ENDLESS = "select count(*) as n from generate_series(1, 1000000) a(x), generate_series(1, 1000000) b(y) where a.x + b.y > 0";
// About 2.5 × 10^7 rows joined: long enough to be running when the abort comes, short enough to finish.
const BRIEF = "select count(*) as n from generate_series(1, 5000) a(x), generate_series(1, 5000) b(y) where a.x + b.y > 0";

/** Long enough for a call just made to be on the connection (an event-loop turn is not: DuckDB queues it on a thread). */
const onTheConnection = () => new Promise((resolve) => setTimeout(resolve, 50));

export function abortCases(current: CurrentWarehouse): void {
  describe("under an AbortSignal", () => {
    it("stops the statement in flight when the signal aborts, and answers the next caller", async () => {
      const warehouse = current();
      expect(warehouse.withSignal).toBeTypeOf("function");
      const controller = new AbortController();
      const endless = warehouse.withSignal?.(controller.signal).query(ENDLESS);
      const next = warehouse.query("select 1 as one");
      await onTheConnection();
      controller.abort("cancelled");
      const error = await rejection(endless ?? Promise.resolve());
      expect(error.kind).toBe("interrupted");
      expect(error.message).toContain("cancelled");
      expect(await next).toEqual([{ one: 1 }]);
    });

    it("does not commit a transaction whose signal aborted, and rolls it back", async () => {
      const warehouse = current();
      await warehouse.exec("create table kept as select 1 as v");
      await warehouse.exec("create table kept__s as select 2 as v");
      const controller = new AbortController();
      const swap = warehouse.withSignal?.(controller.signal).swap([{ staging: "kept__s", target: "kept" }], [], {
        // The swap's statements have run; its COMMIT has not.
        beforeCommit: async () => controller.abort("timed out"),
      });
      expect((await rejection(swap ?? Promise.resolve())).kind).toBe("interrupted");
      expect(await warehouse.query("select v from kept")).toEqual([{ v: 1 }]);
      expect(await warehouse.query("select v from kept__s")).toEqual([{ v: 2 }]);
      // No transaction was left open on the connection: the next swap commits.
      await warehouse.swap([{ staging: "kept__s", target: "kept" }]);
      expect(await warehouse.query("select v from kept")).toEqual([{ v: 2 }]);
    });

    it("refuses a call made after the abort without running it, but still drops", async () => {
      const warehouse = current();
      await warehouse.exec("create table left_behind as select 1 as v");
      const controller = new AbortController();
      controller.abort("cancelled");
      const view = warehouse.withSignal?.(controller.signal);
      const error = await rejection(view?.exec("create table never as select 1 as v") ?? Promise.resolve());
      expect(error.kind).toBe("interrupted");
      expect(await warehouse.describe("never")).toBeNull();
      await view?.drop("left_behind");
      expect(await warehouse.describe("left_behind")).toBeNull();
    });

    it("leaves another caller's statement alone", async () => {
      const warehouse = current();
      const controller = new AbortController();
      const theirs = warehouse.query(BRIEF);
      const mine = warehouse.withSignal?.(controller.signal).query("select 1 as one");
      await onTheConnection();
      // `theirs` is on the connection, `mine` waits behind it: only `mine` may be stopped.
      controller.abort("cancelled");
      expect(await theirs).toEqual([{ n: 25_000_000 }]);
      expect((await rejection(mine ?? Promise.resolve())).kind).toBe("interrupted");
    });

    it("runs calls under a signal that does not abort as any other", async () => {
      const warehouse = current();
      const view = warehouse.withSignal?.(new AbortController().signal);
      await view?.loadRows("t", [{ name: "v", type: "BIGINT" }], [{ v: 7 }]);
      expect(await view?.query("select v from t")).toEqual([{ v: 7 }]);
    });
  });
}
