// The PostgreSQL adapter passes the same conformance suite as the DuckDB ones, against a
// real server: TEST_DATABASE_URL (CI starts PostgreSQL and sets it). Each test gets a
// fresh database, so state and tables never leak between cases.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { warehouseConformance } from "./conformance";
import { openPostgresWarehouse } from "./postgres";

const adminUrl = process.env.TEST_DATABASE_URL;
if (!adminUrl && process.env.CI) throw new Error("TEST_DATABASE_URL must be set in CI: the PostgreSQL adapter is tested on a real server");

const created: string[] = [];
let counter = 0;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshDatabaseUrl(): Promise<string> {
  const name = `wh_test_${process.pid}_${++counter}`;
  await admin((c) => c.query(`CREATE DATABASE ${name} TEMPLATE template0`));
  created.push(name);
  const url = new URL(adminUrl ?? "");
  url.pathname = `/${name}`;
  return url.toString();
}

afterAll(async () => {
  if (!adminUrl) return;
  await admin(async (c) => {
    for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
});

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
