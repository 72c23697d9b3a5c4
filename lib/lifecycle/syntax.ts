// A SQL cell's definition as DuckDB parses it: reformatting and comments change nothing,
// and a change that only adds output columns can be told from any other change.
import { canonicalJson } from "./fingerprint";
import { isRecord } from "../guards";

/** The syntax of one SELECT statement (NodeSqlReferenceParser satisfies it). */
export interface SqlSyntax {
  statementAst(sql: string): Promise<unknown>;
}

/** A plain SELECT split into its output columns and everything else, each as canonical JSON. */
export interface Projection {
  columns: string[];
  rest: string;
}

/** The tree without source positions: two spellings of one query give the same tree. */
export function withoutPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPositions);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) if (key !== "query_location") out[key] = withoutPositions(inner);
  return out;
}

/** The projection of a statement whose top node is a SELECT; null for set operations and the like. */
export function projectionOf(statement: unknown): Projection | null {
  if (!isRecord(statement) || !isRecord(statement.node)) return null;
  const { node } = statement;
  if (node.type !== "SELECT_NODE" || !Array.isArray(node.select_list)) return null;
  const { select_list: columns, ...rest } = node;
  return { columns: columns.map(canonicalJson), rest: canonicalJson({ ...statement, node: rest }) };
}

/**
 * Whether `after` only adds output columns to `before`: every column of `before` is still
 * there, in the same order, and nothing else of the query changed. Such a change leaves
 * every column a reader already used as it was, so readers need not be rebuilt.
 */
export function onlyAddsColumns(before: Projection, after: Projection): boolean {
  if (before.rest !== after.rest || after.columns.length <= before.columns.length) return false;
  // A column added under DISTINCT or GROUP BY ALL changes which rows there are.
  if (ROW_SHAPING.some((marker) => after.rest.includes(marker))) return false;
  let next = 0;
  const added: string[] = [];
  for (const column of after.columns) {
    if (next < before.columns.length && column === before.columns[next]) next++;
    else added.push(column);
  }
  // A set-returning column (unnest) multiplies the rows.
  return next === before.columns.length && !added.some((column) => SET_RETURNING.some((marker) => column.includes(marker)));
}

const ROW_SHAPING = ['"type":"DISTINCT_MODIFIER"', '"aggregate_handling":"FORCE_AGGREGATES"'];
const SET_RETURNING = ['"function_name":"unnest"', '"function_name":"generate_series"', '"function_name":"range"', '"function_name":"generate_subscripts"'];
