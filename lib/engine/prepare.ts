// From notebook text to something the engine can run: parse, build the graph, plan a
// selection. Shared by the CLI and (later) the workers and the app.
import { buildGraph, planRun, selectableOf, type AssetGraph, type SqlReferenceParser } from "../graph";
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace, type Workspace } from "../notebook/workspace-file";
import type { AssetCell, Notebook, NotebookIssue } from "../notebook/types";
import type { ExecutionPlan } from "./run";

export type PreparedNotebook =
  | { ok: true; notebook: Notebook; graph: AssetGraph }
  | { ok: false; issues: NotebookIssue[] };

/**
 * Parses and checks a notebook and its graph in its workspace (variables, connections, macros
 * and checks of the workspace file; none by default), reporting every issue found.
 */
export async function prepareNotebook(text: string, file: string, parser: SqlReferenceParser, workspace: Workspace = emptyWorkspace(), params?: Readonly<Record<string, string>>): Promise<PreparedNotebook> {
  const parsed = parseNotebookIn(text, file, workspace, params);
  if (!parsed.ok) {
    // A notebook that parsed partly still gets its graph checked, so one pass reports all.
    const graphIssues = parsed.notebook ? (await buildGraph(parsed.notebook, parser)).issues : [];
    return { ok: false, issues: sortIssues(dedupe([...parsed.issues, ...graphIssues])) };
  }
  const { graph, issues } = await buildGraph(parsed.notebook, parser);
  if (issues.length > 0) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, notebook: parsed.notebook, graph };
}

/** The execution plan of a selection (all assets when `selection` is blank). Throws SelectionError. */
export function planNotebook(notebook: Notebook, graph: AssetGraph, selection?: string): ExecutionPlan {
  const byName = new Map<string, AssetCell>();
  for (const cell of notebook.cells) if (cell.type === "asset") byName.set(cell.name, cell);
  const cells = planRun(graph, selection, selectableOf(notebook)).flatMap((name) => byName.get(name) ?? []);
  return {
    cells,
    upstream: (name) => graph.upstream(name),
  };
}

function dedupe(issues: NotebookIssue[]): NotebookIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.line}:${i.column}:${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortIssues(issues: NotebookIssue[]): NotebookIssue[] {
  return [...issues].sort((a, b) => a.line - b.line || a.column - b.column);
}
