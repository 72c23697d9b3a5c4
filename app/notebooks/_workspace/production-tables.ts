// External tables in the editor: a notebook that declares `external: [orders]` reads another
// notebook's asset, which the browser's DuckDB never has. The server answers a sample of
// production's table as Arrow IPC (GET /api/catalog/assets/<name>/sample, at most 10,000
// rows), loaded under the same name; the reactive session asks for each table once per page
// load, before the cells that read it run. A qualified name (`staging.orders`, an asset placed
// in a schema) is loaded under its name and served in its schema as a view.
import type { ExternalLoader } from "@/lib/engine/reactive";
import { loadPreviewIntoWarehouse } from "@/lib/extract/preview-load";
import { SAMPLE_ROWS_HEADER, SAMPLED_HEADER } from "@/lib/warehouse/production-sample";
import { quoteIdent } from "@/lib/warehouse/types";
import { errorOf } from "./extract-preview";

/** An error that names the table (the server's do; a network failure or a 500 does not). */
function naming(table: string, error: string): string {
  return error.includes(`"${table}"`) ? error : `table "${table}": ${error}`;
}

export const loadFromProduction: ExternalLoader = async (table, warehouse) => {
  // `staging.orders`: an asset placed in a schema is read by its name, then served in its schema here too.
  const parts = table.split(".");
  const name = parts.at(-1) ?? table;
  const schema = parts.length === 2 ? parts[0] : undefined;
  let response: Response;
  try {
    response = await fetch(`/api/catalog/assets/${encodeURIComponent(parts.length === 2 ? name : table)}/sample`, { cache: "no-store" });
  } catch (error) {
    return { ok: false, error: naming(table, `production could not be reached: ${error instanceof Error ? error.message : String(error)}`) };
  }
  if (!response.ok) return { ok: false, error: naming(table, await errorOf(response)) };
  await loadPreviewIntoWarehouse(warehouse, parts.length === 2 ? name : table, new Uint8Array(await response.arrayBuffer()));
  if (schema !== undefined) await warehouse.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}; CREATE OR REPLACE VIEW ${quoteIdent(schema)}.${quoteIdent(name)} AS SELECT * FROM ${quoteIdent(warehouse.schema)}.${quoteIdent(name)}`);
  return { ok: true, rows: Number(response.headers.get(SAMPLE_ROWS_HEADER) ?? 0), sampled: response.headers.get(SAMPLED_HEADER) === "true" };
};
