// A few rows of a production table, for the asset page: the DuckDB file opened
// read-only with no external access, and given up on (null) when it is absent,
// locked by a writer, or has no such table. When this process owns the warehouse (the
// embedded workers), the rows are read through that open warehouse instead.
import { access } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import type { WarehouseConfig } from "../config";
import { openPostgresWarehouse } from "./postgres";
import { quoteIdent, type Warehouse } from "./types";

export interface SampleRows {
  columns: string[];
  rows: string[][];
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace("T", " ").replace(/\.000Z$/, "Z");
  }
  if (typeof value === "object") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

export async function readSampleRows(file: string, table: string, limit = 10): Promise<SampleRows | null> {
  try {
    await access(file);
  } catch {
    return null;
  }
  let instance: DuckDBInstance | undefined;
  try {
    instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY", enable_external_access: "false", autoload_known_extensions: "false" });
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(`select * from ${quoteIdent(table)} limit ${clampLimit(limit)}`);
      return { columns: reader.columnNames(), rows: reader.getRowsJS().map((row) => row.map(cellText)) };
    } finally {
      connection.closeSync();
    }
  } catch {
    return null;
  } finally {
    instance?.closeSync();
  }
}

const clampLimit = (limit: number) => Math.max(1, Math.min(100, Math.trunc(limit)));

/** The same sample through a warehouse this process already holds (never a second open). */
export async function readSampleRowsFrom(warehouse: Warehouse, table: string, limit = 10): Promise<SampleRows | null> {
  try {
    const columns = await warehouse.describe(table);
    if (columns === null) return null;
    const rows = await warehouse.query(`select * from ${quoteIdent(table)} limit ${clampLimit(limit)}`);
    const names = columns.map((c) => c.name);
    return { columns: names, rows: rows.map((row) => names.map((name) => cellText(row[name]))) };
  } catch {
    return null;
  }
}

/** The sample from the production warehouse a configuration names, when this process does not hold it open. */
export async function readProductionSample(config: WarehouseConfig, table: string, limit = 10): Promise<SampleRows | null> {
  switch (config.kind) {
    case "duckdb":
      return readSampleRows(config.path, table, limit);
    case "postgres": {
      const warehouse = await openPostgresWarehouse({ connectionString: config.url }).catch(() => null);
      if (warehouse === null) return null;
      try {
        return await readSampleRowsFrom(warehouse, table, limit);
      } finally {
        await warehouse.close();
      }
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown warehouse ${JSON.stringify(unreachable)}`);
    }
  }
}
