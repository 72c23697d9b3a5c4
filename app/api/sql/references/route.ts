// POST { sql } -> the tables it reads, by DuckDB's own parser (json_serialize_sql) on the
// server: the browser asks here when DuckDB-WASM's binder rejects valid SQL. Only SQL
// text comes here, never data. SQL that does not parse is an answer, not a failed request:
// 200 with the parser's message and offset (the editor asks while the user is mid-word, and
// a browser logs every 4xx as a console error).
import { z } from "zod";
import { route } from "@/app/_lib/route";
import { SqlParseError } from "@/lib/graph/sql-refs";
import { NodeSqlReferenceParser } from "@/lib/graph/sql-refs-node";

let parser: Promise<NodeSqlReferenceParser> | undefined;

export const POST = route({ body: z.object({ sql: z.string().max(1_000_000) }), role: "viewer" }, async ({ body }) => {
  parser ??= NodeSqlReferenceParser.create();
  try {
    return { refs: await (await parser).tableReferences(body.sql) };
  } catch (error) {
    if (error instanceof SqlParseError) return { error: error.message, position: error.position ?? null };
    throw error;
  }
});
