// The editor's tables replaced by a rerun: a swap renames each aside instead of dropping it in
// its transaction (freeing a large table takes longer than the swap: bench/reactive saw 180 ms
// of an edit's 780 go to DROP TABLE), and they are dropped one by one once the session has
// nothing left to run. A target rerun again before then (edits that keep coming) drops its
// older copy at once, so at most one copy of each table waits.
import { withSwap } from "../warehouse/map-swaps";
import type { Warehouse } from "../warehouse/types";

interface Retired {
  surface: Warehouse;
  target: string;
  name: string;
}

export class RetiredTables {
  private retired: Retired[] = [];
  /** Names never collide with another session's on the same database (a page keeps one DuckDB). */
  private readonly session = Math.random().toString(36).slice(2, 8);
  private count = 0;

  /** `inner`, whose swaps retire the tables they replace. */
  wrap(inner: Warehouse): Warehouse {
    return withSwap(inner, async (surface, swaps, state, options) => {
      const named: Retired[] = [];
      const retireAs = (target: string) => {
        const name = `_ab_retired__${target}__${this.session}_${++this.count}`;
        named.push({ surface, target, name });
        return name;
      };
      await surface.swap(swaps, state, { ...options, retireAs });
      const older = this.retired.filter((one) => named.some((next) => next.surface.schema === one.surface.schema && next.target === one.target));
      this.retired = [...this.retired.filter((one) => !older.includes(one)), ...named];
      for (const one of older) await one.surface.drop(one.name).catch(() => undefined);
    });
  }

  /** Drops the tables retired so far, one at a time, while `idle()` says nothing else wants the warehouse. */
  async drop(idle: () => boolean): Promise<void> {
    while (idle()) {
      const next = this.retired.shift();
      if (next === undefined) return;
      await next.surface.drop(next.name).catch(() => undefined);
    }
  }
}
