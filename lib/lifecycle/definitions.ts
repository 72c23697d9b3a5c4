// What determines each asset's data, per notebook text: the input of the planner. A SQL
// cell is its statement as DuckDB parses it, an extract cell its spec, an ML cell its
// config; the notebook's partitions count for each. Checks and run keys (schedule, retries,
// tags...) are metadata: they change how an asset is run and judged, never its data.
import { buildGraph, type SqlReferenceParser } from "../graph";
import { qualifiedName } from "../graph/sql-refs";
import { RUN_KEY_NAMES } from "../notebook";
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace, parseWorkspaceFile, workspaceFor, WORKSPACE_FILE, type Workspace } from "../notebook/workspace-file";
import { neutralNotebookText } from "../partitions/neutral-text";
import type { AssetCell, CellKind, Notebook, NotebookIssue } from "../notebook/types";
import { assetSchemaOf } from "../notebook/placement";
import { canonicalJson } from "./fingerprint";
import { projectionOf, withoutPositions, type Projection, type SqlSyntax } from "./syntax";

export interface NotebookText {
  slug: string;
  text: string;
}

export interface AssetDefinition {
  /** The asset's name, lower case (table names are case-insensitive). */
  asset: string;
  notebook: string;
  kind: CellKind;
  /** Canonical JSON of what determines the data. */
  definition: string;
  /** Canonical JSON of checks and run keys. */
  metadata: string;
  /** For a plain SELECT: its output columns apart from the rest of the query. */
  projection: Projection | null;
  /** Its SQL selects `*` (or `COLUMNS(*)`) somewhere: a column its input gains reaches it. */
  readsEveryColumn: boolean;
  /** Tables it reads, lower case and sorted: cells of its notebook and declared externals. */
  inputs: string[];
  /** Those of `inputs` only its checks read: built before it, but a change to them does not change its data. */
  checkInputs: string[];
  /** The schema it is placed in (null: the warehouse's own). */
  schema: string | null;
}

export type DefinitionsResult = { ok: true; assets: AssetDefinition[] } | { ok: false; issues: NotebookIssue[] };

/** Keys of a cell's config that are not data: how it runs, and what describes it. */
const NOT_DATA = new Set<string>([...RUN_KEY_NAMES, "retries", "timeout", "description", "external", "freshness", "sensor", "schema"]);

function dataConfig(config: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !NOT_DATA.has(key)));
}

function runConfig(config: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => NOT_DATA.has(key) && key !== "description"));
}

async function definitionOf(cell: AssetCell, notebook: Notebook, syntax: SqlSyntax): Promise<{ definition: string; projection: Projection | null }> {
  const partitions = notebook.frontMatter.partitions ?? null;
  // Where it is served is part of what a version is (absent for the warehouse's own schema, as before schemas).
  const schema = assetSchemaOf(cell, notebook.frontMatter);
  const placed = schema === undefined ? {} : { schema };
  switch (cell.kind) {
    case "sql": {
      const statement = withoutPositions(await syntax.statementAst(cell.config.sql));
      // How it is written counts too: an incremental cell's key and predicate decide its rows.
      const { materialized, uniqueKey, incremental } = cell.config;
      const writes = materialized === undefined ? {} : { materialized, uniqueKey: uniqueKey ?? null, incremental: incremental ?? null };
      return { definition: canonicalJson({ kind: "sql", statement, partitions, ...writes, ...placed }), projection: projectionOf(statement) };
    }
    case "extract":
    case "ml":
    case "chart":
      return { definition: canonicalJson({ kind: cell.kind, config: dataConfig(cell.config), partitions, ...placed }), projection: null };
    default: {
      const unreachable: never = cell;
      return unreachable;
    }
  }
}

/** The definitions of every asset of one notebook text, or the issues that keep it from being planned. */
export async function notebookDefinitions(source: NotebookText, parser: SqlReferenceParser & SqlSyntax, workspace: Workspace = emptyWorkspace("production")): Promise<DefinitionsResult> {
  const file = `${source.slug}.md`;
  // `{{ partition.* }}` is not SQL: a partitioned notebook is defined by its text with neutral values.
  // Its workspace's variables and macros are in its SQL: a changed value or macro changes the definition.
  const parsed = parseNotebookIn(neutralNotebookText(source.text, file), file, workspace);
  if (!parsed.ok) return { ok: false, issues: parsed.issues };
  const notebook = parsed.notebook;
  const { graph, issues, externals, checkOnly } = await buildGraph(notebook, parser);
  if (issues.length > 0) return { ok: false, issues };
  const assets: AssetDefinition[] = [];
  for (const cell of notebook.cells) {
    if (cell.type !== "asset") continue;
    const { definition, projection } = await definitionOf(cell, notebook, parser);
    // DuckDB's tree names `*`, `t.*` and `COLUMNS(*)` a STAR expression (count(*) is count_star, without one).
    const readsEveryColumn = cell.kind === "sql" && definition.includes('"class":"STAR"');
    const inputs = [...graph.upstream(cell.name), ...(externals.get(cell.name) ?? []).map(qualifiedName)].map((name) => name.toLowerCase());
    assets.push({
      asset: cell.name.toLowerCase(),
      notebook: source.slug,
      kind: cell.kind,
      definition,
      readsEveryColumn,
      checkInputs: [...(checkOnly.get(cell.name) ?? [])].filter((name) => inputs.includes(name)).sort(),
      metadata: canonicalJson({
        checks: cell.checks.map((check) => ({ ...check, line: undefined })),
        run: runConfig(cell.config),
        notebook: runConfig(notebook.frontMatter),
        // A SQL cell's contract judges its output; it does not change it.
        ...(cell.kind === "sql" && cell.config.contract !== undefined ? { contract: cell.config.contract } : {}),
      }),
      projection,
      inputs: [...new Set(inputs)].sort(),
      schema: assetSchemaOf(cell, notebook.frontMatter) ?? null,
    });
  }
  return { ok: true, assets };
}

/**
 * The workspace a project's notebooks are defined in: its workspace file (the text under
 * the slug `assetbook.yml`, beside the notebooks' texts) with production's values, since
 * what any environment builds is what a promotion serves. Empty without one.
 */
export function projectWorkspace(sources: readonly NotebookText[]): { ok: true; workspace: Workspace } | { ok: false; issues: NotebookIssue[] } {
  const text = sources.find((source) => source.slug === WORKSPACE_FILE)?.text;
  if (text === undefined) return { ok: true, workspace: emptyWorkspace("production") };
  const parsed = parseWorkspaceFile(text, WORKSPACE_FILE);
  return parsed.ok ? { ok: true, workspace: workspaceFor(parsed.workspace, "production") } : parsed;
}

/** The definitions of a whole project (several notebook texts, and its workspace file); every notebook's issues are reported. */
export async function projectDefinitions(sources: readonly NotebookText[], parser: SqlReferenceParser & SqlSyntax): Promise<DefinitionsResult> {
  const assets: AssetDefinition[] = [];
  const issues: NotebookIssue[] = [];
  const workspace = projectWorkspace(sources);
  if (!workspace.ok) return workspace;
  for (const source of sources) {
    if (source.slug === WORKSPACE_FILE) continue;
    const result = await notebookDefinitions(source, parser, workspace.workspace);
    if (result.ok) assets.push(...result.assets);
    else issues.push(...result.issues);
  }
  const seen = new Map<string, string>();
  for (const asset of assets) {
    const other = seen.get(asset.asset);
    if (other !== undefined) issues.push({ file: `${asset.notebook}.md`, line: 1, column: 1, cell: asset.asset, message: `asset "${asset.asset}" is also produced by notebook "${other}"` });
    seen.set(asset.asset, asset.notebook);
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, assets };
}
