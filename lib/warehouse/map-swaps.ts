// A warehouse whose swaps are rewritten before they reach the one it wraps (a partition run
// tags them with its partition; a placed cell adds its schema), on every surface and signal
// derived from it. Everything else passes through.
import { abortable } from "./abortable";
import type { Swap, Warehouse } from "./types";

export function mapSwaps(inner: Warehouse, map: (swap: Swap) => Swap): Warehouse {
  return {
    backend: inner.backend,
    dialect: inner.dialect,
    fences: inner.fences,
    schema: inner.schema,
    query: (sql) => inner.query(sql),
    exec: (sql) => inner.exec(sql),
    describe: (table) => inner.describe(table),
    loadRows: (table, columns, rows) => inner.loadRows(table, columns, rows),
    loadArrow: (table, ipc) => inner.loadArrow(table, ipc),
    swap: (swaps, state, options) => inner.swap(swaps.map(map), state, options),
    transaction: (steps, options) => inner.transaction(steps, options),
    inSchema: (schema, readSchemas) => mapSwaps(inner.inSchema(schema, readSchemas), map),
    readState: (key) => inner.readState(key),
    drop: (table) => inner.drop(table),
    close: () => inner.close(),
    withSignal: (signal) => mapSwaps(abortable(inner, signal), map),
  };
}
