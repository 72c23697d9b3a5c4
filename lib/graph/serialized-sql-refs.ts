// Finds the tables a statement reads in the JSON that DuckDB's json_serialize_sql()
// returns. The walk is generic: any object of type BASE_TABLE, wherever it sits (FROM,
// joins, subqueries in any expression, set operations, CTE bodies, PIVOT sources), is a
// read, except an unqualified name that matches a CTE visible in that scope.
import type { TableRef } from "./sql-refs";
import { isRecord } from "../guards";

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  return typeof value === "string" ? value : "";
}

interface CteDefinition {
  /** Lower-cased: DuckDB identifiers are case-insensitive. */
  name: string;
  body: unknown;
  recursive: boolean;
}

function cteDefinitions(cteMap: unknown): CteDefinition[] {
  if (!isRecord(cteMap) || !Array.isArray(cteMap.map)) return [];
  const definitions: CteDefinition[] = [];
  for (const entry of cteMap.map) {
    if (!isRecord(entry) || typeof entry.key !== "string") continue;
    const query = isRecord(entry.value) ? entry.value.query : undefined;
    const node = isRecord(query) ? query.node : undefined;
    const recursive = isRecord(node) && node.type === "RECURSIVE_CTE_NODE";
    definitions.push({ name: entry.key.toLowerCase(), body: entry.value, recursive });
  }
  return definitions;
}

class ReferenceCollector {
  readonly refs: TableRef[] = [];
  private readonly seen = new Set<string>();

  walk(value: unknown, cteScope: ReadonlySet<string>): void {
    if (Array.isArray(value)) {
      for (const item of value) this.walk(item, cteScope);
      return;
    }
    if (!isRecord(value)) return;
    if (value.type === "BASE_TABLE") {
      this.addBaseTable(value, cteScope);
      return;
    }
    const scope = this.walkCtes(value.cte_map, cteScope);
    for (const [key, child] of Object.entries(value)) {
      if (key !== "cte_map") this.walk(child, scope);
    }
  }

  /** Walks each CTE body with the CTEs defined before it in scope (and itself when recursive); returns the scope for the query body. */
  private walkCtes(cteMap: unknown, outer: ReadonlySet<string>): ReadonlySet<string> {
    const definitions = cteDefinitions(cteMap);
    if (definitions.length === 0) return outer;
    const scope = new Set(outer);
    for (const definition of definitions) {
      // A non-recursive CTE named like a real table reads that table (`with t as (select * from t)`).
      const bodyScope = definition.recursive ? new Set([...scope, definition.name]) : new Set(scope);
      this.walk(definition.body, bodyScope);
      scope.add(definition.name);
    }
    return scope;
  }

  private addBaseTable(node: Record<string, unknown>, cteScope: ReadonlySet<string>): void {
    const name = stringField(node, "table_name");
    const schema = stringField(node, "schema_name");
    const catalog = stringField(node, "catalog_name");
    if (name === "") return;
    if (schema === "" && catalog === "" && cteScope.has(name.toLowerCase())) return;
    const key = [catalog, schema, name].join("\u0000").toLowerCase();
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const ref: TableRef = { name };
    if (schema !== "") ref.schema = schema;
    if (catalog !== "") ref.catalog = catalog;
    this.refs.push(ref);
  }
}

/** Table references in a successful json_serialize_sql() result, in order of first appearance. */
export function tableRefsFromSerializedSql(serialized: unknown): TableRef[] {
  const collector = new ReferenceCollector();
  collector.walk(isRecord(serialized) ? serialized.statements : serialized, new Set());
  return collector.refs;
}
