// Keeps the catalog in step with notebooks/*.md: each file's text becomes a notebook
// version (only when it changed) and each asset cell an asset, with its upstream
// assets from the notebook's graph. A file that does not parse, cannot be read, or
// throws is reported by name and reason, and the others are synced.
//
// Incremental: `memory` (held by the caller across syncs) keeps each file's content hash
// and what it contributed, so an unchanged file is neither parsed nor its graph rebuilt
// (two 5,000-cell notebooks took tens of seconds to sync in full), and only asset rows
// that differ from the catalog's are written.
import { applyWorkspace } from "../notebook/apply-workspace";
import { emptyWorkspace, parseWorkspaceFile, workspaceFor, type Workspace } from "../notebook/workspace-file";
import { formatIssue, freshnessPolicyOf } from "../notebook";
import { canonicalJson } from "../notebook/stable-hash";
import { buildGraph } from "../graph/build-graph";
import type { SqlReferenceParser } from "../graph/sql-refs";
import { parseNotebook } from "../notebook/parse";
import type { AssetCell, FreshnessPolicy, Notebook } from "../notebook/types";
import { runKeysOf } from "../notebook/schemas/run-keys";
import { assetSchemaOf } from "../notebook/placement";
import { neutralNotebookText } from "../partitions/neutral-text";
import { hashText, readNotebookDir } from "../workspace/notebook-files";
import { upsertAsset, type AssetInput } from "./assets";
import type { AssetKind } from "./generated/client";
import { importNotebookVersion, versionWithText } from "./notebooks";
import type { CatalogDb } from "./store";

export interface SyncResult {
  /** Notebooks in the catalog (they parse). */
  notebooks: number;
  /** Their assets (one producer each). */
  assets: number;
  /** `file[:line:column]: reason`, for files that did not sync. */
  problems: string[];
  /** Files parsed by this sync: the others were unchanged since `memory` saw them. */
  parsed: number;
  /** Asset rows written: the others already matched. */
  written: number;
  /** Files whose sync threw (not a parse issue: the catalog, say); they are tried again next time. */
  failed: number;
}

interface CellAsset {
  name: string;
  kind: AssetKind;
  line: number;
  description: string | null;
  upstream: string[];
  freshnessPolicy: FreshnessPolicy | null;
  /** The notebook's tags and the cell's own. */
  tags: string[];
  schema: string | null;
}

/** What one file contributes, as of its content hash. Parse outcomes only: a failure that may pass (a thrown error) is not remembered. */
type Contribution = { ok: true; notebookId: string; owners: string[]; cells: CellAsset[] } | { ok: false; problem: string };

interface RememberedFile {
  hash: string;
  contribution: Contribution;
}

/** Per slug, what the last sync read from its file. One memory per catalog and workspace. */
export type SyncMemory = Map<string, RememberedFile>;

export function newSyncMemory(): SyncMemory {
  return new Map();
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

interface FileInput {
  slug: string;
  file: string;
  text: string;
}

async function contributionOf(db: CatalogDb, workspaceId: string, { slug, file, text }: FileInput, parser: SqlReferenceParser, production: boolean, workspace: Workspace): Promise<Contribution> {
  // The lineage is read with neutral partition values (`{{ partition.* }}` is not SQL).
  const parsed = parseNotebook(neutralNotebookText(text, file), file);
  if (!parsed.ok) {
    const first = parsed.issues[0];
    return { ok: false, problem: first ? formatIssue(first) : `${file}: does not parse` };
  }
  // In its workspace, so `{{ var.* }}` and macros read as SQL; what does not resolve is `check`'s to report.
  const nb = applyWorkspace(parsed.notebook, workspace).notebook;
  // Production's text is a version already, or becomes one (numbered after the others: see docs/lifecycle.md, what is left).
  const version = production ? await versionWithText(db, workspaceId, slug, text) : (await importNotebookVersion(db, { workspaceId, slug, text, authorId: null })).version;
  const upstream = await upstreamByCell(nb, parser);
  const cells = nb.cells.flatMap((cell): CellAsset[] =>
    cell.type === "asset"
      ? [
          {
            name: cell.name,
            kind: cell.kind,
            line: cell.line,
            description: description(cell),
            upstream: upstream.get(cell.name) ?? [],
            freshnessPolicy: freshnessPolicyOf(nb, cell) ?? null,
            tags: [...new Set([...(runKeysOf(nb.frontMatter).tags ?? []), ...(runKeysOf(cell.config).tags ?? [])])].sort(),
            schema: assetSchemaOf(cell, nb.frontMatter) ?? null,
          },
        ]
      : [],
  );
  return { ok: true, notebookId: version.notebookId, owners: nb.frontMatter.owners ?? [], cells };
}

/** Lets other requests run between two notebooks (a parse is synchronous). */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Syncs notebooks/*.md into the catalog. Once production has been promoted, pass its texts
 * (`production`, slug → text): files then only become versions (the working copies' history)
 * and the assets are production's, so a saved or deleted file changes no asset until a
 * promotion does.
 */
export async function syncNotebookFiles(
  db: CatalogDb,
  workspaceId: string,
  dir: string,
  parser: SqlReferenceParser,
  memory: SyncMemory = newSyncMemory(),
  production: Readonly<Record<string, string>> | null = null,
): Promise<SyncResult> {
  const result: SyncResult = { notebooks: 0, assets: 0, problems: [], parsed: 0, written: 0, failed: 0 };
  const read = await readNotebookDir(dir);
  for (const { file, reason } of read.ignored) result.problems.push(`${file}: ${reason}`);
  // The lineage's workspace: the file beside the notebooks (what a value is never changes an edge).
  const workspaceFile = read.workspace === null ? null : parseWorkspaceFile(read.workspace);
  const workspace = workspaceFile?.ok ? workspaceFor(workspaceFile.workspace, "development") : emptyWorkspace();
  if (workspaceFile?.ok === false) result.problems.push(...workspaceFile.issues.map((issue) => formatIssue({ ...issue, file: `notebooks/${issue.file}` })));
  if (production !== null) await importChangedFiles(db, workspaceId, read.notebooks, memory, result);
  const notebooks = production === null ? read.notebooks : Object.entries(production).map(([slug, text]) => ({ slug, file: `${slug}.md`, text }));
  const present = new Set(notebooks.map((nb) => nb.slug));
  for (const slug of memory.keys()) if (!present.has(slug) && !slug.startsWith(FILE_KEY)) memory.delete(slug);

  /** asset → the file that produces it: a second notebook declaring it is a problem, not a takeover. */
  const producedBy = new Map<string, string>();
  const wanted: AssetInput[] = [];
  for (const input of notebooks) {
    const hash = hashText(`${input.text}\n${read.workspace ?? ""}`);
    let contribution = memory.get(input.slug)?.hash === hash ? memory.get(input.slug)?.contribution : undefined;
    if (contribution === undefined) {
      result.parsed += 1;
      try {
        contribution = await contributionOf(db, workspaceId, input, parser, production !== null, workspace);
        memory.set(input.slug, { hash, contribution });
      } catch (error) {
        // One notebook that throws is reported; the others are synced.
        memory.delete(input.slug);
        result.failed += 1;
        result.problems.push(`${input.file}: cannot be synced (${errorText(error)})`);
        continue;
      } finally {
        await yieldToEventLoop();
      }
    }
    if (!contribution.ok) {
      result.problems.push(contribution.problem);
      continue;
    }
    result.notebooks += 1;
    for (const cell of contribution.cells) {
      const owner = producedBy.get(cell.name);
      if (owner !== undefined) {
        result.problems.push(`${input.file}:${cell.line}: asset "${cell.name}" is already produced by ${owner}; rename one of them`);
        continue;
      }
      producedBy.set(cell.name, `${input.file}:${cell.line}`);
      wanted.push({
        workspaceId,
        name: cell.name,
        kind: cell.kind,
        notebookId: contribution.notebookId,
        cell: cell.name,
        group: input.slug,
        owners: contribution.owners,
        tags: cell.tags,
        schema: cell.schema,
        upstream: cell.upstream,
        description: cell.description,
        freshnessPolicy: cell.freshnessPolicy,
      });
    }
  }
  result.assets = wanted.length;
  result.written = await writeChangedAssets(db, workspaceId, wanted);
  return result;
}

/** Memory keys of files imported as versions only (production's texts hold the assets). */
const FILE_KEY = "file:";

async function importChangedFiles(db: CatalogDb, workspaceId: string, files: readonly FileInput[], memory: SyncMemory, result: SyncResult): Promise<void> {
  const present = new Set(files.map((file) => FILE_KEY + file.slug));
  for (const key of memory.keys()) if (key.startsWith(FILE_KEY) && !present.has(key)) memory.delete(key);
  for (const file of files) {
    const hash = hashText(file.text);
    if (memory.get(FILE_KEY + file.slug)?.hash === hash) continue;
    try {
      const { version } = await importNotebookVersion(db, { workspaceId, slug: file.slug, text: file.text, authorId: null });
      memory.set(FILE_KEY + file.slug, { hash, contribution: { ok: true, notebookId: version.notebookId, owners: [], cells: [] } });
    } catch (error) {
      result.failed += 1;
      result.problems.push(`${file.file}: cannot be synced (${errorText(error)})`);
    }
  }
}

const sameList = (a: readonly string[], b: readonly string[] | undefined) => b !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);

/** Upserts the assets whose catalog row differs from what the notebooks say; returns how many. */
async function writeChangedAssets(db: CatalogDb, workspaceId: string, wanted: AssetInput[]): Promise<number> {
  if (wanted.length === 0) return 0;
  const rows = await db.asset.findMany({
    where: { workspaceId },
    select: { name: true, kind: true, notebookId: true, cell: true, group: true, owners: true, tags: true, upstream: true, description: true, freshnessPolicy: true, schema: true },
  });
  const current = new Map(rows.map((row) => [row.name, row]));
  let written = 0;
  for (const want of wanted) {
    const row = current.get(want.name);
    const same =
      row !== undefined &&
      row.kind === want.kind &&
      row.notebookId === (want.notebookId ?? null) &&
      row.cell === want.cell &&
      row.group === (want.group ?? null) &&
      row.description === (want.description ?? null) &&
      row.schema === (want.schema ?? null) &&
      sameList(row.owners, want.owners) &&
      sameList(row.tags, want.tags) &&
      sameList(row.upstream, want.upstream) &&
      canonicalJson(row.freshnessPolicy ?? null) === canonicalJson(want.freshnessPolicy ?? null);
    if (same) continue;
    await upsertAsset(db, want);
    written += 1;
  }
  return written;
}
