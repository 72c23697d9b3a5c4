// POST: run one extract cell on the server with a sample limit (the server holds the
// secrets; CORS blocks most APIs from the browser) and answer its root table as Arrow
// IPC, which the browser loads into DuckDB-WASM. Secret values never leave the server.
// Requests go through the operator's outbound policy (ASSETBOOK_OUTBOUND_ALLOW), and all
// previews together hold at most PREVIEW_MEMORY_BUDGET_BYTES of responses: past that, 503.
import { workspaceOf } from "@/lib/workspace/workspace-source";
import { z } from "zod";
import { notebooksDir } from "@/app/notebooks";
import { appConfig } from "@/app/_lib/config";
import { route, RouteError } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { workspaceSecretResolver } from "@/lib/catalog";
import { readFilePages } from "@/lib/extract/file";
import { ByteBudget } from "@/lib/extract/budget";
import { PREVIEW_MEMORY_BUDGET_BYTES, previewExtract, type PreviewFailure } from "@/lib/extract/preview";
import { ARROW_STREAM_CONTENT_TYPE, PREVIEW_SAMPLED_HEADER } from "@/lib/extract/preview-load";
import { extractForPartition } from "@/lib/engine/partition-plan";
import { preparePartitioned } from "@/lib/engine/prepare-partitioned";
import { NodeSqlReferenceParser } from "@/lib/graph/sql-refs-node";
import { isAssetName } from "@/lib/notebook";
import { formatIssue } from "@/lib/notebook/types";
import { openDuckDbWarehouse } from "@/lib/warehouse/duckdb-node";
import { readNotebook } from "@/lib/workspace/notebook-files";
import { isSlug } from "@/lib/workspace/slug";

export const runtime = "nodejs";

const params = z.object({
  slug: z.string().refine(isSlug, "not a notebook slug"),
  cell: z.string().refine(isAssetName, "not a cell name"),
});

const body = z
  .object({
    /** The editor's current (possibly unsaved) text; without it, the saved file. */
    text: z.string().max(2_000_000).optional(),
    sampleRows: z.number().int().min(1).max(100_000).optional(),
    /** The partition the editor runs a partitioned notebook with: the extract gets its values. */
    partition: z.string().max(200).nullable().optional(),
  })
  .optional();

let parser: Promise<NodeSqlReferenceParser> | undefined;
/** Server-wide: one budget for every preview this process runs at once. */
const previewBudget = new ByteBudget(PREVIEW_MEMORY_BUDGET_BYTES);

function failureStatus(reason: PreviewFailure["reason"]): number {
  switch (reason) {
    case "not_found":
      return 404;
    case "invalid":
    case "failed":
      return 422;
    case "busy":
      return 503;
    default: {
      const unreachable: never = reason;
      throw new Error(`unknown preview failure ${String(unreachable)}`);
    }
  }
}

export const POST = route({ params, body, role: "editor" }, async ({ params: { slug, cell }, body, request }) => {
  const text = body?.text ?? (await readNotebook(notebooksDir(), slug))?.text;
  if (text === undefined) throw new RouteError(404, `notebook "${slug}" not found`);
  // The cell is checked as a run would check it first: a custom check is one SELECT, never pasted unread.
  parser ??= NodeSqlReferenceParser.create();
  // The editor is development: the workspace file's development values.
  const workspace = await workspaceOf(notebooksDir(), "development", "notebooks");
  if (!workspace.ok) return Response.json({ error: workspace.issues.map(formatIssue).join("\n"), cell }, { status: 422 });
  const checked = await preparePartitioned(text, `${slug}.md`, await parser, body?.partition ?? null, workspace.workspace);
  const problems = checked.ok ? [] : checked.issues.filter((issue) => issue.cell === cell);
  if (problems.length > 0) return Response.json({ error: problems.map(formatIssue).join("\n"), cell }, { status: 422 });
  const { db, secretKey, workspaceId } = await appContext();
  const { dataDir, outbound } = appConfig();
  const result = await previewExtract({
    text,
    file: `${slug}.md`,
    cell,
    workspace: workspace.workspace,
    openWarehouse: () => openDuckDbWarehouse({ path: ":memory:", dataDir }),
    // As in production runs: the workspace's secrets (bound to their hosts), else the environment.
    resolveSecret: await workspaceSecretResolver(db, secretKey, workspaceId, appConfig().envSecrets, process.env),
    sampleRows: body?.sampleRows,
    dataDir,
    readFilePages,
    signal: request.signal,
    prepare: extractForPartition(text, `${slug}.md`, body?.partition ?? null),
    outbound,
    budget: previewBudget,
  });
  if (!result.ok) {
    const status = failureStatus(result.reason);
    return Response.json({ error: result.error, cell }, { status, headers: status === 503 ? { "retry-after": "5" } : {} });
  }
  return new Response(Buffer.from(result.ipc), {
    headers: {
      "content-type": ARROW_STREAM_CONTENT_TYPE,
      "cache-control": "no-store",
      "x-assetbook-rows": String(result.rows),
      [PREVIEW_SAMPLED_HEADER]: result.sampled ? String(result.sampleRows) : "",
    },
  });
});
