// Where a SQL error happened, from DuckDB's message, as a line of the cell's editor.

export interface SqlErrorPlace {
  /** 1-based line in the statement DuckDB ran. */
  line: number;
  /** 1-based column, when DuckDB drew its caret. */
  column?: number;
}

/** Reads DuckDB's "LINE n: <excerpt>\n   ^" trailer. */
export function sqlErrorPlace(message: string): SqlErrorPlace | undefined {
  const match = /(^|\n)(LINE (\d+): ?)(.*)\n( *)\^/.exec(message) ?? /(^|\n)(LINE (\d+):)/.exec(message);
  const line = Number(match?.[3]);
  if (!match || !Number.isInteger(line) || line < 1) return undefined;
  const prefix = match[2] ?? "";
  const caret = match[5];
  if (caret === undefined) return { line };
  const excerpt = match[4] ?? "";
  // DuckDB shortens long lines with "..." at the start; the caret column is then only approximate.
  const column = caret.length - prefix.length + 1;
  return excerpt.startsWith("...") || column < 1 ? { line } : { line, column };
}

/** The message without DuckDB's excerpt and caret, for display under the cell. */
export function sqlErrorSummary(message: string): string {
  return message.replace(/\n+LINE \d+:[^\n]*(\n *\^)?/g, "").trim();
}

/**
 * The cell-editor line of an error in a SQL cell. The engine runs the cell's SQL as
 * `CREATE TABLE … AS (\n<sql>\n)` (lib/engine/materialize.ts), so statement line n is
 * SQL line n - 1; the SQL itself starts after the cell's header comment lines.
 */
export function sqlCellEditorLine(body: string, sql: string, statementLine: number): number {
  const sqlStart = Math.max(0, body.indexOf(sql));
  const linesBeforeSql = body.slice(0, sqlStart).split("\n").length - 1;
  return Math.max(1, statementLine - 1 + linesBeforeSql);
}
