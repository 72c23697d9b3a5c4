// POST: run one extract cell on the server with a sample limit (the server holds the
// secrets; CORS blocks most APIs from the browser) and answer its root table as Arrow
// IPC, which the browser loads into DuckDB-WASM. Secret values never leave the server.
import path from "node:path";
import { z } from "zod";
import { NOTEBOOKS_DIR } from "@/app/notebooks";
import { route, RouteError } from "@/app/_lib/route";
import { readFilePages } from "@/lib/extract/file";
import { previewExtract } from "@/lib/extract/preview";
import { ARROW_STREAM_CONTENT_TYPE } from "@/lib/extract/preview-load";
import { isAssetName } from "@/lib/notebook";
import { openDuckDbWarehouse } from "@/lib/warehouse/duckdb-node";
import { readNotebook } from "@/lib/workspace/notebook-files";
import { isSlug } from "@/lib/workspace/slug";

export const runtime = "nodejs";

const DATA_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "data");

const params = z.object({
  slug: z.string().refine(isSlug, "not a notebook slug"),
  cell: z.string().refine(isAssetName, "not a cell name"),
});

const body = z
  .object({
    /** The editor's current (possibly unsaved) text; without it, the saved file. */
    text: z.string().max(2_000_000).optional(),
    sampleRows: z.number().int().min(1).max(100_000).optional(),
  })
  .optional();

export const POST = route({ params, body, role: "editor" }, async ({ params: { slug, cell }, body, request }) => {
  const text = body?.text ?? (await readNotebook(NOTEBOOKS_DIR, slug))?.text;
  if (text === undefined) throw new RouteError(404, `notebook "${slug}" not found`);
  const result = await previewExtract({
    text,
    file: `${slug}.md`,
    cell,
    openWarehouse: () => openDuckDbWarehouse({ path: ":memory:", dataDir: DATA_DIR }),
    // The secret store comes later; until then the server's environment.
    resolveSecret: (name) => process.env[name],
    sampleRows: body?.sampleRows,
    dataDir: DATA_DIR,
    readFilePages,
    signal: request.signal,
  });
  if (!result.ok) {
    const status = result.reason === "not_found" ? 404 : 422;
    return Response.json({ error: result.error, cell }, { status });
  }
  return new Response(Buffer.from(result.ipc), {
    headers: {
      "content-type": ARROW_STREAM_CONTENT_TYPE,
      "cache-control": "no-store",
      "x-assetbook-rows": String(result.rows),
    },
  });
});
