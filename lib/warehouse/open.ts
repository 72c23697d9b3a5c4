// Opens the production warehouse a configuration names. DuckDB allows one writer per file,
// so it is opened once and shared by every lease; PostgreSQL gets a session per lease.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { WarehouseConfig } from "../config";
import { openDuckDbWarehouse } from "./duckdb-node";
import { openPostgresWarehouse } from "./postgres";
import type { Warehouse } from "./types";

export interface WarehouseLease {
  warehouse: Warehouse;
  release(): Promise<void>;
}

export interface WarehousePool {
  /** The one open DuckDB warehouse (other readers in this process go through it); null for PostgreSQL. */
  shared: Warehouse | null;
  lease(): Promise<WarehouseLease>;
  close(): Promise<void>;
}

/** A frozen worker must not hold warehouse locks forever (the rescuer's DROP of the staging
 * table would wait on them): PostgreSQL ends its session once it idles in a transaction for
 * as long as a lost lease. */
export function withIdleTransactionTimeout(url: string, ms: number): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get("options");
  parsed.searchParams.set("options", `${existing === null ? "" : `${existing} `}-c idle_in_transaction_session_timeout=${ms}`);
  return parsed.toString();
}

export async function openWarehousePool(config: WarehouseConfig, options: { dataDir: string; lockTimeoutMs: number }): Promise<WarehousePool> {
  switch (config.kind) {
    case "duckdb": {
      await mkdir(path.dirname(path.resolve(config.path)), { recursive: true });
      await mkdir(options.dataDir, { recursive: true });
      const warehouse = await openDuckDbWarehouse({ path: config.path, dataDir: options.dataDir });
      return { shared: warehouse, lease: async () => ({ warehouse, release: async () => undefined }), close: () => warehouse.close() };
    }
    case "postgres":
      return {
        shared: null,
        lease: async () => {
          const warehouse = await openPostgresWarehouse({ connectionString: withIdleTransactionTimeout(config.url, options.lockTimeoutMs) });
          return { warehouse, release: () => warehouse.close() };
        },
        close: async () => undefined,
      };
    default: {
      const unreachable: never = config;
      throw new Error(`unknown warehouse ${JSON.stringify(unreachable)}`);
    }
  }
}

/**
 * A warehouse to read production through from the app, or null when this process cannot
 * reach it. DuckDB allows one writer per file and its lock also keeps other processes'
 * readers out: production's DuckDB is read only through the open warehouse of the workers
 * this process runs (`shared`); PostgreSQL gets a session of its own, closed on release.
 */
export async function openProductionReader(config: WarehouseConfig, shared: Warehouse | null): Promise<WarehouseLease | null> {
  if (shared !== null) return { warehouse: shared, release: async () => undefined };
  switch (config.kind) {
    case "duckdb":
      return null;
    case "postgres": {
      const warehouse = await openPostgresWarehouse({ connectionString: config.url });
      return { warehouse, release: () => warehouse.close() };
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown warehouse ${JSON.stringify(unreachable)}`);
    }
  }
}
