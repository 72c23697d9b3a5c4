// Shared pieces of the Warehouse conformance suite (see conformance.ts).
import { expect } from "vitest";
import { WarehouseError } from "./errors";
import type { ColumnSpec, LogicalType, Warehouse } from "./types";

/** The warehouse of the running test (each test gets a fresh one). */
export type CurrentWarehouse = () => Warehouse;

/** How each backend may spell a logical type in `describe`. */
export const TYPE_SPELLINGS: Record<LogicalType, string[]> = {
  BIGINT: ["BIGINT", "INT8"],
  DOUBLE: ["DOUBLE", "DOUBLE PRECISION", "FLOAT8"],
  BOOLEAN: ["BOOLEAN", "BOOL"],
  VARCHAR: ["VARCHAR", "TEXT", "CHARACTER VARYING"],
  TIMESTAMP: ["TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE"],
  DATE: ["DATE"],
  JSON: ["JSON", "JSONB", "VARCHAR", "TEXT"],
};

export const ALL_TYPES: ColumnSpec[] = [
  { name: "id", type: "BIGINT" },
  { name: "amount", type: "DOUBLE" },
  { name: "active", type: "BOOLEAN" },
  { name: "label", type: "VARCHAR" },
  { name: "seen_at", type: "TIMESTAMP" },
  { name: "day", type: "DATE" },
  { name: "payload", type: "JSON" },
];

/** JSON columns come back as JSON text; parse it to compare. */
export function parseJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}

export async function count(warehouse: Warehouse, table: string): Promise<number> {
  const [row] = await warehouse.query(`select count(*) as n from ${table}`);
  return Number(row?.n);
}

export async function rejection(promise: Promise<unknown>): Promise<WarehouseError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WarehouseError);
  if (!(error instanceof WarehouseError)) throw new Error("expected a WarehouseError");
  return error;
}
