// `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/
// with the SQL that takes a database built from the existing migrations to
// prisma/schema.prisma. Uses Prisma's WebAssembly schema engine on a scratch
// in-memory PGlite, so it needs neither a server nor the native engine.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { z } from "zod";
import { MIGRATION_LOCK, readMigrations } from "../lib/catalog/migrations";
import { diffMigrationsToSchema, startSchemaEngine } from "../lib/catalog/schema-engine";

const root = path.resolve(import.meta.dirname, "..");
const schemaPath = path.join(root, "prisma", "schema.prisma");
const migrationsDir = path.join(root, "prisma", "migrations");

const nameSchema = z
  .string({ error: "usage: npm run db:migration -- <name>" })
  .transform((s) => s.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, ""))
  .pipe(z.string().min(1, "the migration name needs a letter or a digit"));

function timestamp(now: Date): string {
  return now.toISOString().replace(/\D/g, "").slice(0, 14);
}

async function main(): Promise<number> {
  const parsed = nameSchema.safeParse(process.argv[2]);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => i.message).join("\n"));
    return 2;
  }
  const schema = { path: schemaPath, content: await readFile(schemaPath, "utf8") };
  const files = await readMigrations(migrationsDir);
  const scratch = await PGlite.create("memory://");
  try {
    const engine = await startSchemaEngine(schema, new PrismaPGlite(scratch));
    const sql = await diffMigrationsToSchema(engine, { ...files, lockfile: files.lockfile ?? MIGRATION_LOCK }, schema);
    if (sql === "") {
      console.log("prisma/schema.prisma and prisma/migrations agree: no migration written.");
      return 0;
    }
    const folder = `${timestamp(new Date())}_${parsed.data}`;
    if (files.migrations.some((m) => m.name >= folder)) {
      console.error(`a migration named ${folder} or later already exists`);
      return 1;
    }
    await mkdir(path.join(migrationsDir, folder), { recursive: true });
    await writeFile(path.join(migrationsDir, folder, "migration.sql"), sql);
    if (files.lockfile === null) await writeFile(path.join(migrationsDir, "migration_lock.toml"), MIGRATION_LOCK);
    console.log(`wrote prisma/migrations/${folder}/migration.sql (then: npm run db:generate)`);
    return 0;
  } finally {
    await scratch.close();
  }
}

process.exit(await main());
