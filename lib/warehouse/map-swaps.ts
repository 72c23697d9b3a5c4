// A warehouse whose swaps go through a function of the caller's before they reach the one it
// wraps (a partition run tags them with its partition; a placed cell adds its schema; the
// editor retires the tables they replace), on every surface and signal derived from it.
// Everything else passes through.
import { abortable } from "./abortable";
import type { StateWrite, Swap, SwapOptions, Warehouse } from "./types";

/** A swap made on `surface` (the wrapped warehouse, or a surface or signal view of it). */
export type SwapCall = (surface: Warehouse, swaps: Swap[], state: StateWrite[] | undefined, options: SwapOptions | undefined) => Promise<void>;

export function withSwap(inner: Warehouse, swap: SwapCall): Warehouse {
  return {
    backend: inner.backend,
    dialect: inner.dialect,
    fences: inner.fences,
    schema: inner.schema,
    query: (sql) => inner.query(sql),
    exec: (sql) => inner.exec(sql),
    createTableAs: (table, select) => inner.createTableAs(table, select),
    describe: (table) => inner.describe(table),
    loadRows: (table, columns, rows) => inner.loadRows(table, columns, rows),
    loadArrow: (table, ipc) => inner.loadArrow(table, ipc),
    swap: (swaps, state, options) => swap(inner, swaps, state, options),
    transaction: (steps, options) => inner.transaction(steps, options),
    inSchema: (schema, readSchemas) => withSwap(inner.inSchema(schema, readSchemas), swap),
    ...(inner.files === undefined ? {} : { files: inner.files }),
    readState: (key) => inner.readState(key),
    drop: (table) => inner.drop(table),
    close: () => inner.close(),
    withSignal: (signal) => withSwap(abortable(inner, signal), swap),
  };
}

export function mapSwaps(inner: Warehouse, map: (swap: Swap) => Swap): Warehouse {
  return withSwap(inner, (surface, swaps, state, options) => surface.swap(swaps.map(map), state, options));
}
