// What a run that read a file into a raw table (FileReader.load) does when that goes wrong or
// is over: whether the page path should take the source instead, and dropping the raw table.
import { WarehouseError } from "../../warehouse/errors";
import type { FileReader, Warehouse } from "../../warehouse/types";

/**
 * Whether the page path should read a JSON source DuckDB's reader failed on (a text it
 * refuses, a file it cannot open: the page path says so in its own words); not when the run
 * was stopped or the warehouse closed.
 */
export function isUnreadableJson(error: unknown): boolean {
  return error instanceof WarehouseError && error.kind !== "interrupted" && error.kind !== "closed";
}

/** Why the reader's refusal sends the records page by page: its diagnosis's first line, cut short. */
export function unreadableJsonReason(error: unknown): string {
  const line = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.trim() ?? "";
  return `DuckDB's JSON reader refused the records: ${line.length > 160 ? `${line.slice(0, 159)}…` : line}`;
}

/**
 * Drops the raw table, temporary or not. Best effort: it runs in `finally`, where a failure
 * must not hide the run's own error, and a table left over keeps its staging name, which the
 * next run drops (dropLeftoverStaging).
 */
export async function releaseRaw(warehouse: Warehouse, reader: FileReader, raw: string): Promise<void> {
  await Promise.allSettled([reader.release(raw), warehouse.drop(raw)]);
}
