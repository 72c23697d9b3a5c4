// What differs in SQL between backends, carried by each adapter (`warehouse.dialect`), so
// no code outside lib/warehouse asks which backend it talks to.
import type { LogicalType } from "./types";

/** A workspace macro: a scalar expression (`sql`) or a query (`table`) over its arguments. */
export interface MacroSpec {
  schema: string;
  name: string;
  args: readonly string[];
  sql?: string;
  table?: string;
}

export class UnsupportedMacrosError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UnsupportedMacrosError";
  }
}

export interface Dialect {
  /** The SQL spelling of a logical type (PostgreSQL has no plain DOUBLE). */
  typeName(type: LogicalType): string;
  /**
   * The statements that create workspace macros where they are missing. A macro's name
   * carries a hash of its content, so one is never redefined: environments and production
   * share the ones they agree on. Throws UnsupportedMacrosError where the backend has none.
   */
  macroStatements(macros: readonly MacroSpec[]): string[];
}

function assertNever(value: never): never {
  throw new Error(`unknown logical type ${String(value)}`);
}

function duckdbMacros(macros: readonly MacroSpec[]): string[] {
  if (macros.length === 0) return [];
  const schemas = [...new Set(macros.map((macro) => macro.schema))].map((schema) => `CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  return schemas.concat(macros.map((macro) => {
    const head = `CREATE MACRO IF NOT EXISTS ${quote(macro.schema)}.${quote(macro.name)}(${macro.args.map(quote).join(", ")})`;
    // The newline before `)` keeps a trailing `-- comment` from swallowing it.
    return macro.table !== undefined ? `${head} AS TABLE (\n${macro.table}\n)` : `${head} AS (\n${macro.sql ?? "NULL"}\n)`;
  }));
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function typeNames(double: string, macroStatements: Dialect["macroStatements"]): Dialect {
  return {
    macroStatements,
    typeName(type) {
      switch (type) {
        case "DOUBLE":
          return double;
        case "BIGINT":
        case "BOOLEAN":
        case "VARCHAR":
        case "TIMESTAMP":
        case "DATE":
        case "JSON":
          return type;
        default:
          return assertNever(type);
      }
    },
  };
}

export const duckdbDialect: Dialect = typeNames("DOUBLE", duckdbMacros);
export const postgresDialect: Dialect = typeNames("DOUBLE PRECISION", (macros) => {
  if (macros.length === 0) return [];
  throw new UnsupportedMacrosError(`the workspace's macros (${macros.map((m) => m.name).join(", ")}) are DuckDB macros; a PostgreSQL warehouse cannot run them`);
});
