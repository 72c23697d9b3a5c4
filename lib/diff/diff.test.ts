// The data diff on a real DuckDB and a real PostgreSQL: two versions of a table that
// differ on purpose, and the diff must find exactly those rows.
import { afterAll, describe, expect, it } from "vitest";
import { openDuckDbWarehouse } from "../warehouse/duckdb-node";
import { openPostgresWarehouse } from "../warehouse/postgres";
import type { Warehouse } from "../warehouse/types";
import { adminUrl, pgDatabases } from "../queue/test-pg";
import { dataDiff } from "./run";
import type { DiffSide } from "./types";

interface Backend {
  name: string;
  open(): Promise<{ warehouse: Warehouse; schema: string }>;
}
const databases = pgDatabases("diff");
const backends: Backend[] = [
  { name: "duckdb", open: async () => ({ warehouse: await openDuckDbWarehouse({ path: ":memory:" }), schema: "main" }) },
];
if (adminUrl) backends.push({ name: "postgres", open: async () => ({ warehouse: await openPostgresWarehouse({ connectionString: await databases.fresh() }), schema: "public" }) });
afterAll(() => databases.dropAll());

async function side(warehouse: Warehouse, schema: string, table: string): Promise<DiffSide> {
  const columns = await warehouse.describe(table);
  if (!columns) throw new Error(`no table ${table}`);
  return { relation: `"${schema}"."${table}"`, columns };
}

/** 1,000 orders; env: 7 amounts changed, 3 rows removed, 4 added, 5 prices moved by 1e-9, a column added. */
async function seed(warehouse: Warehouse, schema: string): Promise<void> {
  const t = (name: string) => `"${schema}"."${name}"`;
  await warehouse.exec(
    `CREATE TABLE ${t("prod")} AS SELECT CAST(i AS BIGINT) AS id, CAST(i * 10 AS BIGINT) AS amount, CAST(i AS DOUBLE PRECISION) / 3 AS price, 'o' || CAST(i AS VARCHAR) AS label FROM generate_series(1, 1000) AS g(i)`,
  );
  await warehouse.exec(`CREATE TABLE ${t("env")} AS SELECT id, amount, price, label, CAST(1 AS BIGINT) AS extra FROM ${t("prod")} WHERE id NOT IN (10, 20, 30)`);
  await warehouse.exec(`UPDATE ${t("env")} SET amount = amount + 1 WHERE id IN (1, 2, 3, 4, 5, 6, 7)`);
  await warehouse.exec(`UPDATE ${t("env")} SET price = price + 0.000000001 WHERE id IN (100, 101, 102, 103, 104)`);
  await warehouse.exec(`INSERT INTO ${t("env")} SELECT CAST(i AS BIGINT), 0, 0, 'new', 1 FROM generate_series(1001, 1004) AS g(i)`);
}

describe.each(backends)("data diff on $name", (backend) => {
  it("finds exactly the rows changed on purpose, by key", async () => {
    const { warehouse, schema } = await backend.open();
    try {
      await seed(warehouse, schema);
      const diff = await dataDiff(warehouse, await side(warehouse, schema, "prod"), await side(warehouse, schema, "env"), {
        key: ["id"],
        tolerance: 1e-6,
        sampleSize: 2,
      });
      expect(diff.schema).toEqual({ added: ["extra"], removed: [], retyped: [] });
      expect(diff.rows).toEqual({ production: 1000, env: 1001 });
      expect({ added: diff.added, removed: diff.removed, changed: diff.changed }).toEqual({ added: 4, removed: 3, changed: 7 });
      expect(diff.columns.map((c) => [c.name, c.changed])).toEqual([["amount", 7], ["price", 0], ["label", 0]]);
      expect(diff.columns[0]?.match).toBeCloseTo(1 - 7 / 997, 10);
      expect(diff.sample.map((row) => [row.kind, row.key.id])).toEqual([["added", "1001"], ["added", "1002"], ["removed", "10"], ["removed", "20"], ["changed", "1"], ["changed", "2"]]);
      expect(diff.sample.find((row) => row.kind === "changed")?.values).toEqual({ amount: { production: "10", env: "11" } });
      expect(diff.warnings).toEqual([]);
      // The scratch table is gone.
      const left = await warehouse.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'assetbook_diff_%'`);
      expect(left).toEqual([]);
    } finally {
      await warehouse.close();
    }
  });

  it("without a tolerance, float noise is a change", async () => {
    const { warehouse, schema } = await backend.open();
    try {
      await seed(warehouse, schema);
      const diff = await dataDiff(warehouse, await side(warehouse, schema, "prod"), await side(warehouse, schema, "env"), { key: ["id"] });
      expect(diff.columns.find((c) => c.name === "price")?.changed).toBe(5);
      expect(diff.changed).toBe(12);
    } finally {
      await warehouse.close();
    }
  });

  it("without a key compares multisets, and warns on null and repeated keys", async () => {
    const { warehouse, schema } = await backend.open();
    try {
      await seed(warehouse, schema);
      const prod = await side(warehouse, schema, "prod");
      const env = await side(warehouse, schema, "env");
      const multiset = await dataDiff(warehouse, prod, env, {});
      // 7 amounts and 5 prices changed: 12 production rows are not in env, and 12 + 4 env rows are not in production.
      expect({ removed: multiset.removed + 0, added: multiset.added, changed: multiset.changed }).toEqual({ removed: 15, added: 16, changed: null });
      await warehouse.exec(`INSERT INTO "${schema}"."env" SELECT NULL, 1, 1, 'x', 1`);
      const keyed = await dataDiff(warehouse, prod, await side(warehouse, schema, "env"), { key: ["id"] });
      expect(keyed.warnings).toEqual(["1 row has a null key (id); they never match"]);
      // The row with a null key matches nothing: it counts as added, and samples show only keyed rows.
      expect({ added: keyed.added, removed: keyed.removed, changed: keyed.changed }).toEqual({ added: 5, removed: 3, changed: 12 });
      expect(keyed.sample.every((row) => row.key.id !== null)).toBe(true);
      expect(keyed.sample.find((row) => row.kind === "changed")?.values).toEqual({ amount: { production: "10", env: "11" } });
      // A key that repeats would pair each repeat with every other: the rows are compared as multisets, and the warning says where.
      await warehouse.exec(`INSERT INTO "${schema}"."env" SELECT id, amount, price, label, extra FROM "${schema}"."env" WHERE id = 500`);
      const repeated = await dataDiff(warehouse, prod, await side(warehouse, schema, "env"), { key: ["id"] });
      expect(repeated.warnings).toEqual(["the key (id) is not unique (rows repeating a key: 1 in the environment): rows are compared as multisets; give a key that is unique to see changed values"]);
      expect({ added: repeated.added, removed: repeated.removed, changed: repeated.changed, sample: repeated.sample }).toEqual({ added: 18, removed: 15, changed: null, sample: [] });
      const byAmount = await dataDiff(warehouse, prod, await side(warehouse, schema, "env"), { key: ["amount"] });
      expect(byAmount.warnings[0]).toMatch(/^the key \(amount\) is not unique \(rows repeating a key: 4 in the environment\)/);
      expect(byAmount.added).toBeLessThanOrEqual(byAmount.rows.env);
    } finally {
      await warehouse.close();
    }
  });

  it("compares a retyped column as text", async () => {
    const { warehouse, schema } = await backend.open();
    try {
      await warehouse.exec(`CREATE TABLE "${schema}"."a" AS SELECT CAST(i AS BIGINT) AS id, CAST(i AS BIGINT) AS v FROM generate_series(1, 10) AS g(i)`);
      await warehouse.exec(`CREATE TABLE "${schema}"."b" AS SELECT id, CAST(v AS VARCHAR) AS v FROM "${schema}"."a"`);
      await warehouse.exec(`UPDATE "${schema}"."b" SET v = 'ten' WHERE id = 10`);
      const diff = await dataDiff(warehouse, await side(warehouse, schema, "a"), await side(warehouse, schema, "b"), { key: ["id"] });
      expect(diff.schema.retyped.map((r) => r.name)).toEqual(["v"]);
      expect(diff.changed).toBe(1);
    } finally {
      await warehouse.close();
    }
  });
});
