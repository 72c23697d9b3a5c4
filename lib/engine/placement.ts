// A cell placed in a schema (`schema: staging`) keeps its table under its name where every
// host reads it, and is also served in its schema under the same name (`staging.orders`), a
// view that follows each write in the write's own transaction.
import { assetSchemaOf } from "../notebook/placement";
import type { AssetCell } from "../notebook/types";
import { mapSwaps } from "../warehouse/map-swaps";
import type { Warehouse } from "../warehouse/types";

/** The warehouse one cell writes through: each of its swaps (its table and child tables) is served in its schema too. */
export function placedWarehouse(inner: Warehouse, cell: AssetCell): Warehouse {
  // A prepared cell names its schema itself (placeCells stamps the notebook's on it).
  const schema = assetSchemaOf(cell, {});
  if (schema === undefined) return inner;
  return mapSwaps(inner, (swap) => ({ ...swap, aliases: [...new Set([...(swap.aliases ?? []), schema])] }));
}
