// Keeps the catalog in step with notebooks/*.md: each file's text becomes a notebook
// version (only when it changed) and each asset cell an asset, with its upstream
// assets from the notebook's graph. Files that do not parse are reported, not fatal.
import { buildGraph } from "../graph/build-graph";
import type { SqlReferenceParser } from "../graph/sql-refs";
import { parseNotebook } from "../notebook/parse";
import type { AssetCell, Notebook } from "../notebook/types";
import { neutralNotebookText } from "../partitions/neutral-text";
import { upsertAsset } from "./assets";
import { importNotebookVersion } from "./notebooks";
import type { CatalogDb } from "./store";
import { readNotebookDir } from "../workspace/notebook-files";

export interface SyncResult {
  notebooks: number;
  assets: number;
  /** file: message, for files that did not parse. */
  problems: string[];
}

function description(cell: AssetCell): string | null {
  return cell.kind === "sql" ? (cell.config.description ?? null) : null;
}

/** Per cell, the assets it reads: in its notebook (the graph) and, through declared externals, in others. */
export async function upstreamByCell(nb: Notebook, parser: SqlReferenceParser): Promise<Map<string, string[]>> {
  const { graph, externals } = await buildGraph(nb, parser);
  const upstream = new Map<string, string[]>();
  for (const edge of graph.edges()) upstream.set(edge.to, [...(upstream.get(edge.to) ?? []), edge.from]);
  // A declared external that another notebook produces is an edge across notebooks.
  for (const [cell, refs] of externals) upstream.set(cell, [...new Set([...(upstream.get(cell) ?? []), ...refs.map((r) => r.name)])]);
  return upstream;
}

export async function syncNotebookFiles(db: CatalogDb, workspaceId: string, dir: string, parser: SqlReferenceParser): Promise<SyncResult> {
  const result: SyncResult = { notebooks: 0, assets: 0, problems: [] };
  /** asset → the file that produces it: a second notebook declaring it is a problem, not a takeover. */
  const producedBy = new Map<string, string>();
  const { notebooks, ignored } = await readNotebookDir(dir);
  for (const { file, reason } of ignored) result.problems.push(`${file}: ${reason}`);
  for (const { slug, file, text } of notebooks) {
    // The lineage is read with neutral partition values (`{{ partition.* }}` is not SQL).
    const parsed = parseNotebook(neutralNotebookText(text, file), file);
    if (!parsed.ok) {
      result.problems.push(`${file}: ${parsed.issues[0]?.message ?? "does not parse"}`);
      continue;
    }
    const nb = parsed.notebook;
    const { version } = await importNotebookVersion(db, { workspaceId, slug, text, authorId: null });
    const upstream = await upstreamByCell(nb, parser);
    result.notebooks += 1;
    for (const cell of nb.cells) {
      if (cell.type !== "asset") continue;
      const owner = producedBy.get(cell.name);
      if (owner !== undefined) {
        result.problems.push(`${file}:${cell.line}: asset "${cell.name}" is already produced by ${owner}; rename one of them`);
        continue;
      }
      producedBy.set(cell.name, `${file}:${cell.line}`);
      await upsertAsset(db, {
        workspaceId,
        name: cell.name,
        kind: cell.kind,
        notebookId: version.notebookId,
        cell: cell.name,
        group: slug,
        owners: nb.frontMatter.owners ?? [],
        tags: [],
        upstream: upstream.get(cell.name) ?? [],
        description: description(cell),
      });
      result.assets += 1;
    }
  }
  return result;
}
