// schema.prisma and prisma/migrations must agree, and the migrator must keep
// Prisma's bookkeeping (checked with Prisma's own schema engine, as WebAssembly).
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { pgliteConnection } from "./connections";
import { defaultMigrationsDir, MIGRATION_LOCK, readMigrations, type MigrationFiles } from "./migrations";
import { migrate, MigrationError } from "./migrator";
import { diffDatabaseToSchema, diffMigrationsToSchema, migrationList, NO_FILTER, startSchemaEngine, type SchemaFile } from "./schema-engine";

const schemaPath = path.resolve("prisma", "schema.prisma");
let schema: SchemaFile;
let files: MigrationFiles;

beforeAll(async () => {
  schema = { path: schemaPath, content: await readFile(schemaPath, "utf8") };
  files = await readMigrations(defaultMigrationsDir());
});

describe("prisma/migrations", () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create("memory://");
  });
  afterAll(() => db.close());

  test("has a lock file for postgresql and at least one migration", () => {
    expect(files.lockfile).toBe(MIGRATION_LOCK);
    expect(files.migrations.length).toBeGreaterThan(0);
    for (const m of files.migrations) expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
  });

  test("agree with schema.prisma (else: npm run db:migration -- <name>), and the migrator keeps Prisma's history", async () => {
    const engine = await startSchemaEngine(schema, new PrismaPGlite(db));
    expect(await diffMigrationsToSchema(engine, files, schema), "schema.prisma has changes with no migration").toBe("");

    expect(await migrate(pgliteConnection(db), files)).toEqual({ applied: files.migrations.map((m) => m.name), edited: [] });
    expect(await diffDatabaseToSchema(engine, schema, process.cwd()), "the migrated database differs from schema.prisma").toBe("");
    expect(await engine.diagnoseMigrationHistory({ migrationsList: migrationList(files), optInToShadowDatabase: false, filters: NO_FILTER })).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
  });
});

describe("migrator", () => {
  let db: PGlite;
  let dir: string;
  beforeAll(async () => {
    db = await PGlite.create("memory://");
    dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-migrations-"));
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await db.exec("DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir);
    await writeFile(path.join(dir, "migration_lock.toml"), MIGRATION_LOCK);
  });

  async function write(name: string, sql: string): Promise<MigrationFiles> {
    await mkdir(path.join(dir, name), { recursive: true });
    await writeFile(path.join(dir, name, "migration.sql"), sql);
    return readMigrations(dir);
  }
  const tables = async () =>
    (await db.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t);

  test("applies pending migrations in folder order, once", async () => {
    await write("20250102000000_second", `ALTER TABLE "a" ADD COLUMN "y" INT;`);
    const both = await write("20250101000000_first", `CREATE TABLE "a" ("x" INT);`);
    expect((await migrate(pgliteConnection(db), both)).applied).toEqual(["20250101000000_first", "20250102000000_second"]);
    expect(await migrate(pgliteConnection(db), both)).toEqual({ applied: [], edited: [] });
    const third = await write("20250103000000_third", `CREATE TABLE "b" ("x" INT);`);
    expect((await migrate(pgliteConnection(db), third)).applied).toEqual(["20250103000000_third"]);
    expect(await tables()).toEqual(["_prisma_migrations", "a", "b"]);
  });

  test("a failing migration is rolled back whole and stops the ones after it", async () => {
    await write("20250101000000_ok", `CREATE TABLE "a" ("x" INT);`);
    await write("20250102000000_bad", `CREATE TABLE "b" ("x" INT);\nSELECT * FROM "no_such_table";`);
    const all = await write("20250103000000_later", `CREATE TABLE "c" ("x" INT);`);
    await expect(migrate(pgliteConnection(db), all)).rejects.toThrow(MigrationError);
    await expect(migrate(pgliteConnection(db), all)).rejects.toThrow(/20250102000000_bad.*no_such_table/);
    expect(await tables()).toEqual(["_prisma_migrations", "a"]);
    const rows = await db.query<{ migration_name: string }>(`SELECT migration_name FROM "_prisma_migrations"`);
    expect(rows.rows.map((r) => r.migration_name)).toEqual(["20250101000000_ok"]);
  });

  test("reports an edited migration, accepts CRLF checkouts, and refuses a history it does not know", async () => {
    const original = await write("20250101000000_first", `CREATE TABLE "a" ("x" INT);\n`);
    await migrate(pgliteConnection(db), original);
    const crlf = await write("20250101000000_first", `CREATE TABLE "a" ("x" INT);\r\n`);
    expect(await migrate(pgliteConnection(db), crlf)).toEqual({ applied: [], edited: [] });
    const edited = await write("20250101000000_first", `CREATE TABLE "a" ("x" BIGINT);\n`);
    expect(await migrate(pgliteConnection(db), edited)).toEqual({ applied: [], edited: ["20250101000000_first"] });
    await rm(path.join(dir, "20250101000000_first"), { recursive: true });
    await expect(migrate(pgliteConnection(db), await readMigrations(dir))).rejects.toThrow(/20250101000000_first, which is not in/);
  });

  test("a migration Prisma's engine left failed blocks start until resolved", async () => {
    const files = await write("20250101000000_first", `CREATE TABLE "a" ("x" INT);`);
    await migrate(pgliteConnection(db), files);
    await db.exec(`UPDATE "_prisma_migrations" SET finished_at = NULL`);
    await expect(migrate(pgliteConnection(db), files)).rejects.toThrow(/failed earlier/);
  });

  test("takes over a database migrated by Prisma's engine", async () => {
    const engine = await startSchemaEngine(schema, new PrismaPGlite(db));
    const applied = await engine.applyMigrations({ migrationsList: migrationList(files), filters: NO_FILTER });
    expect(applied.appliedMigrationNames).toEqual(files.migrations.map((m) => m.name));
    expect(await migrate(pgliteConnection(db), files)).toEqual({ applied: [], edited: [] });
  });
});
