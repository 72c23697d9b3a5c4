// Test helper: the warehouses the lifecycle is tested on, a fresh one per call: DuckDB in
// memory, and PostgreSQL (a fresh database, dropped after the file) when TEST_DATABASE_URL is set.
import { afterAll } from "vitest";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";

export interface TestWarehouse {
  name: "duckdb" | "postgres";
  open(): Promise<Warehouse>;
}

/** Call at a test file's top level: `prefix` names its PostgreSQL databases. */
export function testWarehouses(prefix: string): TestWarehouse[] {
  const databases = pgDatabases(prefix);
  afterAll(() => databases.dropAll());
  const backends: TestWarehouse[] = [{ name: "duckdb", open: () => openDuckDbWarehouse({ path: ":memory:" }) }];
  if (adminUrl) backends.push({ name: "postgres", open: async () => openPostgresWarehouse({ connectionString: await databases.fresh() }) });
  return backends;
}
