// The editor's tables replaced by a rerun: a swap renames each aside instead of dropping it in
// its transaction (freeing a large table's storage takes longer than the swap: bench/reactive
// saw 180 ms of an edit's 780 go to DROP TABLE), and they are dropped when the session has
// nothing left to run.
import { withSwap } from "../warehouse/map-swaps";
import type { Warehouse } from "../warehouse/types";

export const RETIRED_PREFIX = "_ab_retired__";

export class RetiredTables {
  private readonly retired: { surface: Warehouse; name: string }[] = [];
  /** Names never collide with another session's on the same database (a page keeps one DuckDB). */
  private readonly session = Math.random().toString(36).slice(2, 8);
  private count = 0;

  /** `inner`, whose swaps retire the tables they replace. */
  wrap(inner: Warehouse): Warehouse {
    return withSwap(inner, async (surface, swaps, state, options) => {
      const names: string[] = [];
      const retireAs = (target: string) => {
        const name = `${RETIRED_PREFIX}${target}__${this.session}_${++this.count}`;
        names.push(name);
        return name;
      };
      await surface.swap(swaps, state, { ...options, retireAs });
      for (const name of names) this.retired.push({ surface, name });
    });
  }

  /** Drops every table retired so far; all are queued at once, so a later call on the warehouse comes after them. */
  async drop(): Promise<void> {
    const retired = this.retired.splice(0);
    await Promise.all(retired.map(({ surface, name }) => surface.drop(name).catch(() => undefined)));
  }
}
