// An environment serves every asset under its bare name in its own schema; a name written
// with a schema (`staging.orders`, `main.orders`) would read production's past it. So before
// an environment builds a cell, each qualified reference to an asset of the project loses its
// schema, found by DuckDB's parser (its positions), never by pattern over the whole text.
import type { AssetCell, Check } from "../notebook/types";
import type { SqlSyntax } from "./syntax";
import { isRecord } from "../guards";

/** A qualified table reference in a parsed statement: its parts, and its byte offset in the SQL. */
interface QualifiedRef {
  schema: string;
  name: string;
  location: number;
}

function qualifiedRefs(node: unknown, out: QualifiedRef[] = []): QualifiedRef[] {
  if (Array.isArray(node)) {
    for (const item of node) qualifiedRefs(item, out);
    return out;
  }
  if (!isRecord(node)) return out;
  if (node.type === "BASE_TABLE") {
    const { schema_name: schema, table_name: name, catalog_name: catalog, query_location: location } = node;
    const at = typeof location === "number" ? location : typeof location === "string" ? Number(location) : NaN;
    if (typeof schema === "string" && schema !== "" && typeof name === "string" && (catalog === undefined || catalog === "") && Number.isInteger(at) && at >= 0) out.push({ schema, name, location: at });
    return out;
  }
  for (const child of Object.values(node)) qualifiedRefs(child, out);
  return out;
}

/** `"staging" .` or `staging.` at the start of `text`, when it spells `schema`: its length, else 0. */
function schemaPrefixLength(text: string, schema: string): number {
  const match = /^(?:"((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_$]*))\s*\.\s*/.exec(text);
  if (match === null) return 0;
  const quoted = match[1]?.replaceAll('""', '"');
  const spelled = quoted ?? match[2] ?? "";
  const same = quoted === undefined ? spelled.toLowerCase() === schema.toLowerCase() : spelled === schema;
  return same ? match[0].length : 0;
}

/**
 * The SQL with each qualified reference that `isAsset` claims written bare. Returns the text
 * unchanged when none is (or when it does not parse: the build reports that itself).
 */
export async function unqualifyAssets(sql: string, syntax: SqlSyntax, isAsset: (schema: string, name: string) => boolean): Promise<string> {
  let ast: unknown;
  try {
    ast = await syntax.statementAst(sql);
  } catch {
    return sql;
  }
  const bytes = Buffer.from(sql);
  // DuckDB's positions are byte offsets; a comment with an accent before the name shifts them.
  const cuts = new Map<number, string>();
  for (const ref of qualifiedRefs(ast)) {
    if (isAsset(ref.schema.toLowerCase(), ref.name.toLowerCase())) cuts.set(bytes.subarray(0, ref.location).toString().length, ref.schema);
  }
  let out = sql;
  for (const [at, schema] of [...cuts].sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, at) + out.slice(at + schemaPrefixLength(out.slice(at), schema));
  }
  return out;
}

/** A table name as a check writes it (`staging.customers`): bare when it names an asset. */
function unqualifiedName(table: string, isAsset: (schema: string, name: string) => boolean): string {
  const parts = table.split(".");
  return parts.length === 2 && isAsset((parts[0] ?? "").toLowerCase(), (parts[1] ?? "").toLowerCase()) ? (parts[1] ?? table) : table;
}

/** The cell as an environment runs it: its SQL, a chart's or model's table and its checks' tables with asset names bare. */
export async function unqualifyCell(cell: AssetCell, syntax: SqlSyntax, isAsset: (schema: string, name: string) => boolean): Promise<AssetCell> {
  const checks = await Promise.all(
    cell.checks.map(async (check): Promise<Check> => {
      // The checks that name another table, or hold SQL; the others read only their own.
      if (check.type === "relationships" || check.type === "equal_rowcount") return { ...check, to: unqualifiedName(check.to, isAsset) };
      if (check.type === "sql") return { ...check, sql: await unqualifyAssets(check.sql, syntax, isAsset) };
      return check;
    }),
  );
  switch (cell.kind) {
    case "sql":
      return { ...cell, checks, config: { ...cell.config, sql: await unqualifyAssets(cell.config.sql, syntax, isAsset) } };
    case "chart":
      return { ...cell, checks, config: { ...cell.config, from: unqualifiedName(cell.config.from, isAsset) } };
    case "ml": {
      const predictOn = cell.config.predict_on;
      return { ...cell, checks, config: { ...cell.config, from: unqualifiedName(cell.config.from, isAsset), ...(typeof predictOn === "string" ? { predict_on: unqualifiedName(predictOn, isAsset) } : {}) } };
    }
    case "extract":
      return { ...cell, checks };
    default: {
      const unreachable: never = cell;
      return unreachable;
    }
  }
}
