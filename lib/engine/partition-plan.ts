// One partition's run, shared by the workers, the CLI and the browser editor: the window of
// a key, the cells with its values, and which cells' swaps replace only that partition's rows.
// SQL and extract tables carry `_partition` and replace their partition; ml and chart cells
// read the whole table and replace their outputs whole (an ml table has no `_partition`).
import { parseNotebook } from "../notebook/parse";
import type { AssetCell, ExtractCell, FrontMatter } from "../notebook/types";
import { mapSwaps } from "../warehouse/map-swaps";
import type { Swap, Warehouse } from "../warehouse/types";
import type { ExecutionPlan } from "./run";
import { substituteExtract } from "../partitions/values";
import { applyPartition, notebookPartitions, partitionWindow, partitionWindows, PARTITION_COLUMN, type PartitionsDef, type PartitionWindow } from "../partitions/windows";

/** The window of a run of `key` (null: a run without a partition); throws when the notebook has no such partition. */
export function runWindow(frontMatter: FrontMatter, key: string | null): PartitionWindow | null {
  if (key === null) return null;
  const def = notebookPartitions(frontMatter);
  const window = def === null ? null : partitionWindow(def, key);
  if (window === null) throw new Error(`notebook has no partition "${key}"`);
  return window;
}

/** An extract cell of `text` as a preview runs it for `key`: with the partition's values (throws an error naming the cell and the field). */
export function extractForPartition(text: string, file: string, key: string | null): (cell: ExtractCell) => ExtractCell {
  return (cell) => substituteExtract(cell, runWindow(parseNotebook(text, file).notebook?.frontMatter ?? {}, key));
}

/** The plan's cells as they run for the window: SQL with its literals and `_partition`, extracts with their values. */
export function partitionPlan(plan: ExecutionPlan, window: PartitionWindow | null): ExecutionPlan {
  return { ...plan, cells: plan.cells.map((cell) => applyPartition(cell, window)) };
}

/** How a cell's swaps target the table in a partitioned run: its partition's rows, or null for the whole table. */
export function swapPartition(cell: AssetCell, window: PartitionWindow | null): NonNullable<Swap["partition"]> | null {
  if (window === null) return null;
  switch (cell.kind) {
    case "sql":
    case "extract":
      return { column: PARTITION_COLUMN, key: window.key };
    case "ml":
    case "chart":
      return null;
    default: {
      const unreachable: never = cell;
      throw new Error(`unknown cell kind ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * The warehouse a whole plan runs on for one partition (the CLI runs every cell on one
 * connection): swaps into a cell's table follow swapPartition; swaps that already name a
 * partition (an extract's own, with its child tables) are left as they are.
 */
export function partitionedWarehouse(inner: Warehouse, cells: AssetCell[], window: PartitionWindow | null): Warehouse {
  const byTable = new Map(cells.flatMap((cell) => {
    const partition = swapPartition(cell, window);
    return partition === null ? [] : [[cell.name, partition] as const];
  }));
  if (byTable.size === 0) return inner;
  return mapSwaps(inner, (swap) => {
    const partition = swap.partition ?? byTable.get(swap.target);
    return partition === undefined ? swap : { ...swap, partition };
  });
}

/** "monthly", "static", or "date: daily × region: static": how a notebook's partitions are cut. */
export function describePartitions(def: PartitionsDef): string {
  if (def.type !== "dimensions") return def.type;
  return def.dimensions.map((d) => `${d.name}: ${d.def.type}`).join(" × ");
}

const STEP_MS = { hourly: 3_600_000, daily: 86_400_000, weekly: 7 * 86_400_000 } as const;

/**
 * The newest `count` partitions whose window has started by `now`, newest first (the first
 * is the default partition in development). Hourly, daily and weekly windows are counted
 * from near `now`, not from the start date: years of hourly partitions are many.
 */
export function latestPartitions(def: PartitionsDef, now: Date, count: number): PartitionWindow[] {
  const near: PartitionsDef = def.type === "dimensions" ? { ...def, dimensions: def.dimensions.map((d) => ({ ...d, def: startNear(d.def, now, count) })) } : startNear(def, now, count);
  return partitionWindows(near, now).slice(-count).reverse();
}

/** The definition with its start moved forward by whole steps (so the same windows), to about `count` steps before `now`. */
function startNear<D extends PartitionsDef>(def: D, now: Date, count: number): D {
  if (def.type !== "hourly" && def.type !== "daily" && def.type !== "weekly") return def;
  const step = STEP_MS[def.type];
  // wall-clock time as if it were UTC, as partitions.ts steps it; a day's margin covers any time zone
  const start = Date.parse(`${def.start.length === 10 ? `${def.start}T00:00` : def.start}:00Z`);
  const steps = Math.floor((now.getTime() - start - 86_400_000) / step) - count;
  if (!Number.isFinite(steps) || steps <= 0) return def;
  return { ...def, start: new Date(start + steps * step).toISOString().slice(0, 16) };
}
