// The port through which the graph learns which tables a SQL cell reads. Adapters use
// DuckDB's own parser (json_serialize_sql on Node, getTableNames in DuckDB-WASM), never
// regular expressions.

/** A table read by a SQL statement. `schema` and `catalog` are set only when written. */
export interface TableRef {
  name: string;
  schema?: string;
  catalog?: string;
}

export interface SqlReferenceParser {
  /** Tables the SQL reads, without CTE names and table functions. Rejects with SqlParseError. */
  tableReferences(sql: string): Promise<TableRef[]>;
}

/** The SQL could not be parsed; `position` is a 0-based character offset into the SQL when known. */
export class SqlParseError extends Error {
  readonly position: number | undefined;
  constructor(message: string, position?: number) {
    super(message);
    this.name = "SqlParseError";
    this.position = position;
  }
}

/** `catalog.schema.name` as written (only the parts that were given). */
export function qualifiedName(ref: TableRef): string {
  return [ref.catalog, ref.schema, ref.name].filter((part) => part !== undefined && part !== "").join(".");
}

/** Sorted, de-duplicated, lower-cased unqualified names: what both parser routes agree on. */
export function unqualifiedNames(refs: readonly TableRef[]): string[] {
  return [...new Set(refs.map((ref) => ref.name.toLowerCase()))].sort();
}

/** Sorted, de-duplicated, lower-cased qualified names. */
export function qualifiedNames(refs: readonly TableRef[]): string[] {
  return [...new Set(refs.map((ref) => qualifiedName(ref).toLowerCase()))].sort();
}

/** 1-based line and column of a character offset in `text`. */
export function lineAndColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  const last = lines[lines.length - 1] ?? "";
  return { line: lines.length, column: last.length + 1 };
}

/** Parses a position that DuckDB reports as a decimal string (or number). */
export function parsePosition(value: unknown): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
