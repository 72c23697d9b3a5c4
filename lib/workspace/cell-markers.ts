// Problems of a notebook as markers in each cell's editor: notebook issues (file lines)
// and SQL errors from a run (DuckDB's "LINE n"), mapped to lines of the cell's body.
import type { NotebookIssue } from "../notebook/types";
import { bodyLines, editorLine, type AssetDraft, type NotebookDraft } from "./draft";
import { sqlCellEditorLine, sqlErrorPlace, sqlErrorSummary } from "./sql-error";

export interface CellMarker {
  line: number;
  column: number;
  message: string;
}

export interface CellProblem {
  message: string;
  /** Editor line of the problem, when known. */
  line?: number;
  column?: number;
}

export interface CellRunError {
  name: string;
  kind: AssetDraft["kind"];
  error?: string;
  state: string;
}

export interface CellMarkerInput {
  draft: NotebookDraft;
  /** The canonical text of `draft`. */
  text: string;
  issues: readonly NotebookIssue[];
  statuses: readonly CellRunError[];
  /** The SQL of a SQL cell as the parser read it (without header comments). */
  sqlOf: (name: string) => string | undefined;
}

/** Problems per cell id: issues first, then the run error (unless an issue already explains it). */
export function cellProblems({ draft, text, issues, statuses, sqlOf }: CellMarkerInput): Map<string, CellProblem[]> {
  const lines = bodyLines(draft, text);
  const byName = new Map<string, AssetDraft>();
  for (const cell of draft.cells) if (cell.type === "asset" && !byName.has(cell.name)) byName.set(cell.name, cell);
  const problems = new Map<string, CellProblem[]>();
  const add = (id: string, problem: CellProblem) => problems.set(id, [...(problems.get(id) ?? []), problem]);

  for (const issue of issues) {
    const cell = issue.cell === undefined ? undefined : byName.get(issue.cell);
    if (!cell) continue;
    const bodyLine = lines.get(cell.id);
    const message = issue.field ? `${issue.field}: ${issue.message}` : issue.message;
    if (bodyLine === undefined) add(cell.id, { message });
    else add(cell.id, { message, line: editorLine(issue.line, bodyLine, cell.body), column: issue.line < bodyLine ? 1 : issue.column });
  }
  for (const status of statuses) {
    const cell = byName.get(status.name);
    if (!cell || status.state !== "error" || !status.error || problems.has(cell.id)) continue;
    const place = sqlErrorPlace(status.error);
    const sql = cell.kind === "sql" ? sqlOf(cell.name) : undefined;
    const message = sqlErrorSummary(status.error);
    if (place && sql !== undefined) add(cell.id, { message, line: sqlCellEditorLine(cell.body, sql, place.line), column: place.column ?? 1 });
    else add(cell.id, { message });
  }
  return problems;
}

/** Markers for an editor: the problems that have a line. */
export function markersOf(problems: readonly CellProblem[]): CellMarker[] {
  return problems.flatMap((p) => (p.line === undefined ? [] : [{ line: p.line, column: p.column ?? 1, message: p.message }]));
}
