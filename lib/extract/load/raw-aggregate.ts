// Aggregates over a raw relation, taken part by part where it has parts (RawTable.parts) and
// merged. A part's value of an aggregate is kept with the part: one asked for early (a REST
// spool profiles each chunk while later pages are fetched) costs nothing when the whole is
// planned, and the answer is the one the same SQL gives, whenever it ran.
import type { RawTable, Row, Warehouse } from "../../warehouse/types";

/** How a part's values of an aggregate merge into the whole's: count → sum, min, bool_and → and. */
export type Merge = "sum" | "min" | "and";

/** `sql AS alias` over a relation, with how its parts' values merge. */
export interface Aggregate {
  alias: string;
  sql: string;
  merge: Merge;
}

/** Each part's aggregates, by merge and SQL, as promises (two callers asking at once share one query). */
const known = new WeakMap<RawTable, Map<string, Promise<unknown>>>();

/** The aggregates over `relation` (its parts merged), by alias. */
export async function aggregate(warehouse: Warehouse, relation: RawTable, items: readonly Aggregate[]): Promise<Row> {
  const parts = relation.parts ?? [relation];
  const values = await Promise.all(parts.map((part) => partValues(warehouse, part, items)));
  return Object.fromEntries(items.map((item, index) => [item.alias, merged(item.merge, values.map((row) => row[index]))]));
}

/** The items over one part, in their order: those not known yet asked in one query. */
async function partValues(warehouse: Warehouse, part: RawTable, items: readonly Aggregate[]): Promise<unknown[]> {
  let memo = known.get(part);
  if (memo === undefined) {
    memo = new Map();
    known.set(part, memo);
  }
  const keyOf = (item: Aggregate) => `${item.merge} ${item.sql}`;
  const missing = [...new Map(items.filter((item) => !memo.has(keyOf(item))).map((item) => [keyOf(item), item])).values()];
  if (missing.length > 0) {
    const query = warehouse.query(`SELECT ${missing.map((item, index) => `${item.sql} AS a_${index}`).join(", ")} FROM ${part.sql}`);
    for (const [index, item] of missing.entries()) {
      const value = query.then(([row]) => row?.[`a_${index}`] ?? null);
      // Awaited by whoever asks; a failure must not count as unhandled until then.
      value.catch(() => undefined);
      memo.set(keyOf(item), value);
    }
  }
  return Promise.all(items.map((item) => memo.get(keyOf(item))));
}

function merged(merge: Merge, values: readonly unknown[]): unknown {
  const present = values.filter((value) => value !== null && value !== undefined);
  if (present.length === 0) return merge === "sum" ? 0 : null;
  switch (merge) {
    case "sum":
      return present.reduce<number>((sum, value) => sum + Number(value), 0);
    case "min":
      return Math.min(...present.map(Number));
    case "and":
      return present.every((value) => value === true);
    default: {
      const unreachable: never = merge;
      throw new Error(`unknown merge ${String(unreachable)}`);
    }
  }
}
