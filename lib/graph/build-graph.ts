// Builds the asset graph of a notebook: edges from SQL table references (found by
// DuckDB's parser through the SqlReferenceParser port), `from:` / `predict_on:` fields
// and explicit `deps`; reports unknown tables, SQL that does not parse, and cycles.
import { customCheckQuery, expressionCheckSql } from "../notebook/custom-check";
import type { AssetCell, Check, Notebook, NotebookIssue } from "../notebook/types";
import { assetSchemaOf } from "../notebook/placement";
import { describeCycle, findCycles } from "./cycles";
import { TableResolver, tableRefFromText } from "./resolve";
import { lineAndColumnAt, qualifiedName, SqlParseError, type SqlReferenceParser, type TableRef } from "./sql-refs";
import { didYouMean } from "./suggest";
import { graphFromEdges, type AssetGraph, type GraphEdge } from "./topology";

export interface BuildGraphResult {
  graph: AssetGraph;
  issues: NotebookIssue[];
  /** Per cell, the declared external tables it reads (assets of other notebooks, or sources). */
  externals: Map<string, TableRef[]>;
  /**
   * Per cell, the tables (cells by name, externals qualified) that only its checks read: built
   * first, as the check needs them, but not data the cell is made of.
   */
  checkOnly: Map<string, Set<string>>;
}

/** A table a cell reads, and the field it was named in (none for SQL text). */
interface Reference {
  ref: TableRef;
  field?: string;
}

/** What a parse error in a check's SQL is reported with: its name, its SQL, its line. */
type SqlCheck = Pick<Extract<Check, { type: "sql" }>, "name" | "sql" | "line">;

function isAssetCell(cell: Notebook["cells"][number]): cell is AssetCell {
  return cell.type === "asset";
}

function issueAt(nb: Notebook, cell: AssetCell, message: string, field?: string): NotebookIssue {
  return { file: nb.file, line: cell.line, column: 1, cell: cell.name, ...(field ? { field } : {}), message };
}

/** A custom check's query as it runs, with a placeholder for `this`: parsed for the tables it reads. */
const CHECK_THIS = "(SELECT 1)";
const CHECK_PREFIX = customCheckQuery("", CHECK_THIS).split("\n")[0] ?? "";

/** Maps a parser error in a custom check's query to the check's line in the file. */
function checkErrorIssue(nb: Notebook, cell: AssetCell, check: SqlCheck, error: SqlParseError): NotebookIssue {
  const offset = error.position === undefined ? 0 : Math.max(0, error.position - CHECK_PREFIX.length - 1);
  const row = lineAndColumnAt(check.sql, offset).line;
  return { file: nb.file, line: (check.line ?? cell.line) + row - 1, column: 1, cell: cell.name, field: "checks", message: `check ${check.name}: SQL: ${error.message}` };
}

/** Maps a parser error offset inside the cell's SQL to a file line and column. */
function sqlErrorIssue(nb: Notebook, cell: AssetCell & { kind: "sql" }, error: SqlParseError): NotebookIssue {
  const sql = cell.config.sql;
  const sqlStart = Math.max(0, cell.body.indexOf(sql));
  const linesBeforeSql = cell.body.slice(0, sqlStart).split("\n").length - 1;
  const at = error.position === undefined ? { line: 1, column: 1 } : lineAndColumnAt(sql, error.position);
  return {
    file: nb.file,
    line: cell.bodyLine + linesBeforeSql + at.line - 1,
    column: at.column,
    cell: cell.name,
    message: `SQL: ${error.message}`,
  };
}

function fieldReferences(cell: AssetCell): Reference[] {
  const references: Reference[] = cell.deps.map((dep) => ({ ref: tableRefFromText(dep), field: "deps" }));
  // A relationships or equal_rowcount check reads the other table, so that table must be built first.
  for (const check of cell.checks) {
    if (check.type === "relationships" || check.type === "equal_rowcount") references.push({ ref: tableRefFromText(check.to), field: "checks" });
  }
  switch (cell.kind) {
    case "ml": {
      references.push({ ref: tableRefFromText(cell.config.from), field: "from" });
      const predictOn = cell.config.predict_on;
      if (typeof predictOn === "string") references.push({ ref: tableRefFromText(predictOn), field: "predict_on" });
      return references;
    }
    case "chart":
      references.push({ ref: tableRefFromText(cell.config.from), field: "from" });
      return references;
    case "sql":
    case "extract":
      return references;
    default: {
      const unreachable: never = cell;
      return unreachable;
    }
  }
}

export async function buildGraph(nb: Notebook, parser: SqlReferenceParser): Promise<BuildGraphResult> {
  const issues: NotebookIssue[] = [];
  const cells: AssetCell[] = [];
  const firstByName = new Map<string, AssetCell>();
  for (const cell of nb.cells.filter(isAssetCell)) {
    const first = firstByName.get(cell.name.toLowerCase());
    if (first) {
      issues.push(issueAt(nb, cell, `duplicate asset name "${cell.name}" (first defined on line ${first.line})`));
      continue;
    }
    firstByName.set(cell.name.toLowerCase(), cell);
    cells.push(cell);
  }

  const resolver = new TableResolver(cells, nb.frontMatter.external ?? [], (cell) => assetSchemaOf(cell, nb.frontMatter));
  const edges: GraphEdge[] = [];
  const externals = new Map<string, TableRef[]>();
  const checkOnly = new Map<string, Set<string>>();
  for (const cell of cells) {
    const byChecks = new Set<string>();
    const byData = new Set<string>();
    const references = fieldReferences(cell);
    const localExternals = cell.kind === "sql" ? (cell.config.external ?? []) : [];
    if (cell.kind === "sql") {
      try {
        references.push(...(await parser.tableReferences(cell.config.sql)).map((ref) => ({ ref })));
      } catch (error) {
        if (!(error instanceof SqlParseError)) throw error;
        issues.push(sqlErrorIssue(nb, cell, error));
      }
    }
    // A custom check reads its tables when the cell is built: they are inputs of the cell.
    for (const check of cell.checks) {
      if (check.type !== "sql" && check.type !== "expression_is_true") continue;
      const sql = check.type === "sql" ? check.sql : expressionCheckSql(check.expression);
      try {
        references.push(...(await parser.tableReferences(customCheckQuery(sql, CHECK_THIS))).map((ref) => ({ ref, field: "checks" })));
      } catch (error) {
        if (!(error instanceof SqlParseError)) throw error;
        issues.push(checkErrorIssue(nb, cell, check.type === "sql" ? check : { name: `expression_is_true(${check.expression})`, sql, line: check.line }, error));
      }
    }
    for (const { ref, field } of references) {
      const resolution = resolver.resolve(ref, localExternals);
      const read = (name: string) => (field === "checks" ? byChecks : byData).add(name.toLowerCase());
      switch (resolution.kind) {
        case "cell":
          // A check may read its own asset by name (as well as through `this`): not an edge.
          if (field !== "checks" || resolution.cell.toLowerCase() !== cell.name.toLowerCase()) {
            edges.push({ from: resolution.cell, to: cell.name });
            read(resolution.cell);
          }
          break;
        case "external":
          externals.set(cell.name, [...(externals.get(cell.name) ?? []), ref]);
          read(qualifiedName(ref));
          break;
        case "unknown": {
          const hint =
            resolution.hint ||
            didYouMean(resolution.table, resolver.knownTables(localExternals)) ||
            "; declare it under external: in the front matter if it is loaded outside this notebook";
          issues.push(issueAt(nb, cell, `unknown table "${resolution.table}"${hint}`, field));
          break;
        }
        default: {
          const unreachable: never = resolution;
          throw new Error(`unhandled resolution ${JSON.stringify(unreachable)}`);
        }
      }
    }
    const only = new Set([...byChecks].filter((name) => !byData.has(name)));
    if (only.size > 0) checkOnly.set(cell.name, only);
  }

  const graph = graphFromEdges(
    cells.map((cell) => ({ name: cell.name, kind: cell.kind, line: cell.line })),
    edges,
  );
  for (const cycle of findCycles(graph)) {
    const first = firstByName.get((cycle[0] ?? "").toLowerCase());
    if (first) issues.push(issueAt(nb, first, describeCycle(graph, cycle)));
  }
  return { graph, issues, externals, checkOnly };
}
