// GET: a sample of one production table as Arrow IPC, for the editor: a notebook that
// declares `external: [orders]` loads it into the browser's DuckDB under the same name
// (app/notebooks/_workspace/production-tables.ts). Any member may read it, as any member
// sees an asset page's sample rows. What may be read: a table the catalog knows as an asset
// of the workspace (production's, once promoted: a cell's table, or a child table), in
// production's own schema; never SQL from the request, never the lifecycle's schemas (see
// lib/warehouse/production-sample.ts). `?rows=` up to 100,000 (default 10,000); at most
// 32 MB; a client that goes away interrupts the query.
import { z } from "zod";
import { route, RouteError } from "@/app/_lib/route";
import { appConfig } from "@/app/_lib/config";
import { appContext, appWorkers, syncNotebooks } from "@/app/_lib/server-context";
import { listAssets } from "@/lib/catalog";
import { ARROW_STREAM_CONTENT_TYPE } from "@/lib/extract/preview-load";
import { producerOfTable } from "@/lib/graph";
import { openProductionReader } from "@/lib/warehouse/open";
import {
  MAX_PRODUCTION_SAMPLE_ROWS,
  SAMPLE_ROWS_HEADER,
  SAMPLED_HEADER,
  sampleProductionTable,
  type ProductionSampleFailure,
} from "@/lib/warehouse/production-sample";

export const runtime = "nodejs";

const params = z.object({ name: z.string().min(1).max(200) });
const query = z.object({ rows: z.coerce.number().int().min(1).max(MAX_PRODUCTION_SAMPLE_ROWS).optional() });

function failureStatus(reason: ProductionSampleFailure["reason"]): number {
  switch (reason) {
    case "invalid":
      return 400;
    case "refused":
      return 403;
    case "unknown":
    case "not_materialized":
      return 404;
    case "too_large":
      return 413;
    case "interrupted":
      // Nobody reads it: the client went away.
      return 499;
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown sample failure ${String(unreachable)}`);
    }
  }
}

export const GET = route({ params, query }, async ({ params: { name }, query, request }) => {
  const context = await appContext();
  await syncNotebooks(context);
  const assets = new Map((await listAssets(context.db, context.workspaceId)).map((asset) => [asset.name.toLowerCase(), asset]));
  const reader = await openProductionReader(appConfig().warehouse, (await appWorkers())?.warehouse ?? null);
  if (reader === null) throw new RouteError(503, `table "${name}" cannot be read: production's DuckDB file is held by another process (only the app's embedded workers share it)`);
  try {
    const result = await sampleProductionTable(reader.warehouse, {
      table: name,
      isAsset: (table) => producerOfTable(table.toLowerCase(), (asset) => assets.get(asset)) !== undefined,
      rows: query.rows,
      signal: request.signal,
    });
    if (!result.ok) return Response.json({ error: result.error, table: result.table }, { status: failureStatus(result.reason) });
    return new Response(Buffer.from(result.ipc), {
      headers: {
        "content-type": ARROW_STREAM_CONTENT_TYPE,
        "cache-control": "no-store",
        [SAMPLE_ROWS_HEADER]: String(result.rows),
        [SAMPLED_HEADER]: String(result.sampled),
      },
    });
  } finally {
    await reader.release();
  }
});
