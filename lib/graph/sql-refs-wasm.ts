// Browser route of the SqlReferenceParser port: DuckDB-WASM has no json extension
// offline, so it uses the connection's getTableNames(), which drops CTE names and table
// functions but also drops qualification (db.s.bar -> "bar"). getTableNames also binds
// table functions (read_csv of a missing file fails) and some joins (USING, NATURAL,
// ASOF fail against its placeholder tables); it accepts one statement only.
import { z } from "zod";
import { parsePosition, SqlParseError, type SqlReferenceParser, type TableRef } from "./sql-refs";

/** Anything exposing getTableNames: a blocking DuckDBConnection or an AsyncDuckDBConnection. */
export interface TableNameSource {
  getTableNames(sql: string): string[] | Promise<string[]>;
}

const wasmException = z
  .object({
    exception_type: z.string(),
    exception_message: z.string(),
    position: z.union([z.string(), z.number()]).optional(),
  })
  .loose();

/** DuckDB-WASM reports errors as a JSON string in Error.message. */
export function sqlParseErrorFromWasm(error: unknown): SqlParseError {
  const raw = error instanceof Error ? error.message : String(error);
  let details: z.infer<typeof wasmException> | undefined;
  try {
    const parsed = wasmException.safeParse(JSON.parse(raw));
    details = parsed.success ? parsed.data : undefined;
  } catch {
    details = undefined;
  }
  if (!details) return new SqlParseError(raw);
  // Drop DuckDB's "LINE 1: ... ^" excerpt: the caller points at the line itself.
  const message = details.exception_message.split("\n\n")[0] ?? details.exception_message;
  const prefix = details.exception_type === "Parser" ? "" : `${details.exception_type} error: `;
  return new SqlParseError(prefix + message, parsePosition(details.position));
}

/** Statements whose references are remembered; the oldest is forgotten first. */
const REMEMBERED = 500;

export class WasmSqlReferenceParser implements SqlReferenceParser {
  /**
   * The references of statements seen before: an edit re-reads every cell, and each read is
   * a round trip to DuckDB's worker ahead of the rerun (the answer for a text never changes).
   */
  private readonly known = new Map<string, TableRef[]>();

  constructor(private readonly source: TableNameSource) {}

  async tableReferences(sql: string): Promise<TableRef[]> {
    const known = this.known.get(sql);
    if (known !== undefined) return known.map((ref) => ({ ...ref }));
    let names: string[];
    try {
      names = await this.source.getTableNames(sql);
    } catch (error) {
      throw sqlParseErrorFromWasm(error);
    }
    const refs = names.map((name) => ({ name }));
    if (this.known.size >= REMEMBERED) this.known.delete(this.known.keys().next().value ?? "");
    this.known.set(sql, refs);
    return refs.map((ref) => ({ ...ref }));
  }
}
