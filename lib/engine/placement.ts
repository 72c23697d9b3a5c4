// A cell placed in a schema (`schema: staging`) keeps its table under its name where every
// host reads it, and is also served in its schema under the same name (`staging.orders`), a
// view that follows each write in the write's own transaction.
import type { AssetCell } from "../notebook/types";
import { abortable } from "../warehouse/abortable";
import type { Warehouse } from "../warehouse/types";

/** The schema a (prepared) cell is placed in: lib/notebook/placement.ts stamps it on the cell. */
export function placedSchemaOf(cell: AssetCell): string | undefined {
  if (cell.kind === "chart") return undefined;
  const schema = cell.config.schema;
  return typeof schema === "string" ? schema : undefined;
}

/** The warehouse one cell writes through: each of its swaps (its table and child tables) is served in its schema too. */
export function placedWarehouse(inner: Warehouse, cell: AssetCell): Warehouse {
  const schema = placedSchemaOf(cell);
  if (schema === undefined) return inner;
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
    swap: (swaps, state, options) => inner.swap(swaps.map((swap) => ({ ...swap, aliases: [...new Set([...(swap.aliases ?? []), schema])] })), state, options),
    transaction: (steps, options) => inner.transaction(steps, options),
    inSchema: (other, readSchemas) => placedWarehouse(inner.inSchema(other, readSchemas), cell),
    readState: (key) => inner.readState(key),
    drop: (table) => inner.drop(table),
    close: () => inner.close(),
    withSignal: (signal) => placedWarehouse(abortable(inner, signal), cell),
  };
}
