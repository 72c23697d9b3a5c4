// Extract cells in the browser: the server runs the extract with a sample limit (it holds
// the secrets) and answers with Arrow IPC, which is loaded into the browser's DuckDB.
import type { CellMaterializer } from "@/lib/engine/reactive";
import { quoteIdent } from "@/lib/warehouse/types";
import { loadPreviewIntoWarehouse, PREVIEW_SAMPLED_HEADER } from "@/lib/extract/preview-load";

/** The `error` of a JSON error answer, else its text. */
export async function errorOf(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const body: unknown = JSON.parse(text);
    if (body && typeof body === "object" && "error" in body && typeof body.error === "string") return body.error;
  } catch {
    // not JSON: use the text
  }
  return text || `preview failed (HTTP ${response.status})`;
}

/**
 * The materializer of extract cells (ML cells train in a worker: ml/ml-jobs.ts); the server
 * fills in the partition's values and stops at `sampleRows()` rows, saying when it did.
 */
export function previewMaterializer(slug: string, currentText: () => string, sampleRows: () => number): CellMaterializer {
  return async (cell, warehouse, run) => {
    switch (cell.kind) {
      case "ml":
      case "sql":
      case "chart":
        return "unsupported";
      case "extract": {
        const response = await fetch(`/api/notebooks/${slug}/cells/${cell.name}/preview`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ text: currentText(), partition: run.partition, sampleRows: sampleRows() }),
        });
        if (!response.ok) return { ok: false, reason: await errorOf(response), checks: [] };
        await loadPreviewIntoWarehouse(warehouse, cell.name, new Uint8Array(await response.arrayBuffer()));
        const columns = (await warehouse.describe(cell.name)) ?? [];
        const [row] = await warehouse.query(`select count(*) as n from ${quoteIdent(cell.name)}`);
        return { ok: true, rows: Number(row?.n ?? 0), columns, checks: [], sampled: (response.headers.get(PREVIEW_SAMPLED_HEADER) ?? "") !== "" };
      }
      default: {
        const unreachable: never = cell;
        return unreachable;
      }
    }
  };
}
