// The browser side of an extract preview: the server's Arrow IPC answer replaces the
// asset's table in the browser's warehouse.
import type { Warehouse } from "../warehouse/types";

export const ARROW_STREAM_CONTENT_TYPE = "application/vnd.apache.arrow.stream";
/** Set on a preview that stopped at its cap: the cap, in rows (empty when the preview is whole). */
export const PREVIEW_SAMPLED_HEADER = "x-assetbook-sampled-at";

/** Replaces `table` with the rows of an Arrow IPC stream. */
export async function loadPreviewIntoWarehouse(warehouse: Warehouse, table: string, ipc: Uint8Array): Promise<void> {
  await warehouse.drop(table);
  await warehouse.loadArrow(table, ipc);
}
