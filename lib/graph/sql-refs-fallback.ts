// The browser's parser (DuckDB-WASM getTableNames) also binds the query, so it rejects
// valid SQL such as `join … using (…)` before the tables exist. This port adapter asks a
// second parser (the server's json_serialize_sql route) whenever the first one fails;
// the second one's answer, or its error, is final.
import type { SqlReferenceParser, TableRef } from "./sql-refs";

export class FallbackSqlReferenceParser implements SqlReferenceParser {
  constructor(
    private readonly primary: SqlReferenceParser,
    private readonly fallback: SqlReferenceParser,
  ) {}

  async tableReferences(sql: string): Promise<TableRef[]> {
    try {
      return await this.primary.tableReferences(sql);
    } catch {
      return this.fallback.tableReferences(sql);
    }
  }
}
