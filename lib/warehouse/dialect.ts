// What differs in SQL between backends, carried by each adapter (`warehouse.dialect`), so
// no code outside lib/warehouse asks which backend it talks to.
import type { LogicalType } from "./types";

export interface Dialect {
  /** The SQL spelling of a logical type (PostgreSQL has no plain DOUBLE). */
  typeName(type: LogicalType): string;
}

function assertNever(value: never): never {
  throw new Error(`unknown logical type ${String(value)}`);
}

function typeNames(double: string): Dialect {
  return {
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

export const duckdbDialect: Dialect = typeNames("DOUBLE");
export const postgresDialect: Dialect = typeNames("DOUBLE PRECISION");
