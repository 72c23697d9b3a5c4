// A cell placed in a schema (`schema: staging`) keeps its table under its name where every
// host reads it, and is also served in its schema under the same name (`staging.orders`), a
// view that follows each write in the write's own transaction.
import type { AssetCell } from "../notebook/types";
import { mapSwaps } from "../warehouse/map-swaps";
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
  return mapSwaps(inner, (swap) => ({ ...swap, aliases: [...new Set([...(swap.aliases ?? []), schema])] }));
}
