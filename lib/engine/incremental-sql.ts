// An incremental SQL cell (`-- materialized: incremental`), as dbt users know it: on a run
// where its table exists, only the rows its `-- incremental:` predicate keeps are computed
// (`this` is the table as it is), and they are merged into it by `-- unique_key:`: the new
// table is the old rows whose key the run does not bring, plus the new rows, built aside and
// swapped in like every other write. Pure SQL builders; DuckDB and PostgreSQL accept them.
import { quoteIdent } from "../warehouse/types";

/** The new rows' query: the cell's SQL, filtered by the predicate over its output, with `this` the current table. */
export function incrementalRowsSql(sql: string, target: string, predicate: string | undefined): string {
  if (predicate === undefined) return sql;
  // The newlines keep a trailing `-- comment` in the cell's SQL or the predicate inside.
  return `WITH this AS (SELECT * FROM ${quoteIdent(target)})\nSELECT * FROM (\n${sql}\n) AS new_rows\nWHERE (\n${predicate}\n)`;
}

/** The merged table: the target's rows whose key the new rows do not bring, then the new rows; columns in the target's order. */
export function incrementalMergeSql(input: { stage: string; target: string; newRows: string; columns: readonly string[]; key: readonly string[] }): string {
  const columns = input.columns.map(quoteIdent).join(", ");
  const matches = input.key.map((column) => `n.${quoteIdent(column)} = t.${quoteIdent(column)}`).join(" AND ");
  return (
    `CREATE TABLE ${quoteIdent(input.stage)} AS ` +
    `SELECT ${columns} FROM ${quoteIdent(input.target)} AS t WHERE NOT EXISTS (SELECT 1 FROM ${quoteIdent(input.newRows)} AS n WHERE ${matches}) ` +
    `UNION ALL SELECT ${columns} FROM ${quoteIdent(input.newRows)}`
  );
}
