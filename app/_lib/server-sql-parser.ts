// The SqlReferenceParser port over HTTP: the server's json_serialize_sql route.
import { z } from "zod";
import { SqlParseError, type SqlReferenceParser, type TableRef } from "@/lib/graph/sql-refs";

const answer = z.union([
  z.object({ refs: z.array(z.object({ name: z.string(), schema: z.string().optional(), catalog: z.string().optional() })) }),
  z.object({ error: z.string(), position: z.number().nullable() }),
]);

export class ServerSqlReferenceParser implements SqlReferenceParser {
  async tableReferences(sql: string): Promise<TableRef[]> {
    const response = await fetch("/api/sql/references", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ sql }),
    });
    const parsed = answer.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw new SqlParseError(`the server could not read this SQL (HTTP ${response.status})`);
    if ("error" in parsed.data) throw new SqlParseError(parsed.data.error, parsed.data.position ?? undefined);
    return parsed.data.refs;
  }
}
