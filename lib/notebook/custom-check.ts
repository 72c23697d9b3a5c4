// The query a custom check runs: its SQL over `this`, the table under test. One wrapper
// for running it (lib/checks) and for reading which tables it depends on (lib/graph), so
// what the graph orders is exactly what runs.

export function stripTrailingSemicolon(sql: string): string {
  return sql.replace(/[\s;]+$/u, "");
}

/** `thisSource` is SQL that yields the table under test (a quoted table name, or a placeholder for parsing). */
export function customCheckQuery(sql: string, thisSource: string): string {
  // The user's SQL may have its own WITH clause; the newlines keep a trailing `-- comment` inside.
  return `WITH this AS (SELECT * FROM ${thisSource}) SELECT * FROM (\n${stripTrailingSemicolon(sql)}\n) AS failing`;
}

/** An `expression_is_true(expr)` check as custom-check SQL: the rows where the expression is false (null passes, as in dbt). */
export function expressionCheckSql(expression: string): string {
  return `SELECT * FROM this WHERE NOT (${expression})`;
}
