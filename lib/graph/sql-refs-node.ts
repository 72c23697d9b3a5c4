// Node route of the SqlReferenceParser port: DuckDB's json_serialize_sql() on an
// in-memory @duckdb/node-api instance that has no file or network access.
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { z } from "zod";
import { tableRefsFromSerializedSql } from "./serialized-sql-refs";
import { parsePosition, SqlParseError, type SqlReferenceParser, type TableRef } from "./sql-refs";

const serializeResult = z.union([
  z.object({ error: z.literal(false), statements: z.array(z.unknown()) }).loose(),
  z
    .object({
      error: z.literal(true),
      error_message: z.string().optional(),
      error_type: z.string().optional(),
      position: z.union([z.string(), z.number()]).optional(),
    })
    .loose(),
]);

/** The function's argument must be a constant VARCHAR: a bind parameter is rejected by DuckDB. */
function serializeSqlQuery(sql: string): string {
  return `select json_serialize_sql('${sql.replaceAll("'", "''")}') as ast`;
}

export class NodeSqlReferenceParser implements SqlReferenceParser {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async create(): Promise<NodeSqlReferenceParser> {
    const instance = await DuckDBInstance.create(":memory:", { enable_external_access: "false" });
    const connection = await instance.connect();
    return new NodeSqlReferenceParser(instance, connection);
  }

  async tableReferences(sql: string): Promise<TableRef[]> {
    return tableRefsFromSerializedSql(await this.serializeOne(sql));
  }

  /** The one SELECT statement's syntax tree as DuckDB serializes it (positions included). */
  async statementAst(sql: string): Promise<unknown> {
    const result = await this.serializeOne(sql);
    return result.statements[0];
  }

  private async serializeOne(sql: string): Promise<{ statements: unknown[] }> {
    // DuckDB's C API ends a string at NUL: the rest would be silently dropped, or the call fail.
    const nul = sql.indexOf("\u0000");
    if (nul >= 0) throw new SqlParseError("SQL cannot contain a NUL character", nul);
    const reader = await this.connection.runAndReadAll(serializeSqlQuery(sql));
    const text = reader.getRows()[0]?.[0];
    if (typeof text !== "string") throw new SqlParseError("json_serialize_sql returned no result");
    const result = serializeResult.parse(JSON.parse(text));
    if (result.error) {
      const raw = result.error_message ?? `${result.error_type ?? "unknown"} error`;
      const message = /^Only SELECT statements/i.test(raw) ? "expected one SELECT statement; found another kind of statement" : raw;
      throw new SqlParseError(message, parsePosition(result.position));
    }
    // A cell (or a check) is one SELECT: wrapped into CREATE TABLE AS, a second statement would run on its own.
    if (result.statements.length !== 1) throw new SqlParseError(`expected one SELECT statement, found ${result.statements.length}`);
    return result;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
