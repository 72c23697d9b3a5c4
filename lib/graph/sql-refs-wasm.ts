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

export class WasmSqlReferenceParser implements SqlReferenceParser {
  constructor(private readonly source: TableNameSource) {}

  async tableReferences(sql: string): Promise<TableRef[]> {
    let names: string[];
    try {
      names = await this.source.getTableNames(sql);
    } catch (error) {
      throw sqlParseErrorFromWasm(error);
    }
    return names.map((name) => ({ name }));
  }
}
