// The PostgreSQL adapter passes the same conformance suite as the DuckDB ones, against a
// real server: TEST_DATABASE_URL (CI starts PostgreSQL and sets it). Each test gets a
// fresh database, so state and tables never leak between cases.
import { afterAll, describe, expect, it } from "vitest";
import { warehouseConformance } from "./conformance";
import { openPostgresWarehouse } from "./postgres";
import { adminUrl, pgDatabases } from "../queue/test-pg";


const databases = pgDatabases("wh_test");
const freshDatabaseUrl = () => databases.fresh();
afterAll(() => databases.dropAll());

if (adminUrl) {
  warehouseConformance("postgres", async () => openPostgresWarehouse({ connectionString: await freshDatabaseUrl() }));

  describe("postgres specifics", () => {
    it("keeps assets in the configured schema", async () => {
      const warehouse = await openPostgresWarehouse({ connectionString: await freshDatabaseUrl(), schema: "analytics" });
      try {
        await warehouse.loadRows("t", [{ name: "v", type: "BIGINT" }], [{ v: 9007199254740993n }]);
        expect(await warehouse.query("select table_schema from information_schema.tables where table_name = 't'")).toEqual([
          { table_schema: "analytics" },
        ]);
        expect(await warehouse.query("select v from analytics.t")).toEqual([{ v: 9007199254740993n }]);
      } finally {
        await warehouse.close();
      }
    });
  });
} else {
  describe.skip("postgres (set TEST_DATABASE_URL to run)", () => {
    it("needs a server", () => undefined);
  });
}
