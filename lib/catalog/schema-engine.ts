// Prisma's schema engine as WebAssembly, driven through a driver adapter. Used to
// write migrations (scripts/db-migration.ts) and to check that schema.prisma and
// prisma/migrations agree (tests). The app itself never loads it: it applies
// migrations with ./migrator.
//
// The package's entry imports the .wasm file as an ES module (a bundler
// convention Node does not support), so the module is instantiated here by hand.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { MigrationFiles } from "./migrations";

export type { SchemaEngine };

export const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

let initialized: Promise<void> | undefined;

function hasStart(exports: WebAssembly.Exports): exports is WebAssembly.Exports & { __wbindgen_start: () => void } {
  return typeof exports.__wbindgen_start === "function";
}

async function initWasm(): Promise<void> {
  const jsPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
  const bytes = await readFile(jsPath.replace(/\.js$/, ".wasm"));
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  if (!hasStart(instance.exports)) throw new Error("@prisma/schema-engine-wasm: no __wbindgen_start export");
  instance.exports.__wbindgen_start();
}

export interface SchemaFile {
  path: string;
  content: string;
}

/** One engine per call; `adapter` gives it the database (and a shadow database). */
export async function startSchemaEngine(
  schema: SchemaFile,
  adapter: SqlMigrationAwareDriverAdapterFactory,
  log: (message: string) => void = () => {},
): Promise<SchemaEngine> {
  initialized ??= initWasm();
  await initialized;
  return bg.SchemaEngine.new({ datamodels: [[schema.path, schema.content]] }, log, bindMigrationAwareSqlAdapterFactory(adapter));
}

export function migrationList(files: MigrationFiles): MigrationList {
  return {
    baseDir: files.dir,
    lockfile: { path: "migration_lock.toml", content: files.lockfile },
    shadowDbInitScript: "",
    migrationDirectories: files.migrations.map((m) => ({
      path: m.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
    })),
  };
}

/** SQL that takes a database built from `files` to `schema`; empty string when they agree. */
export async function diffMigrationsToSchema(engine: SchemaEngine, files: MigrationFiles, schema: SchemaFile): Promise<string> {
  const result = await engine.diff({
    from: { tag: "migrations", ...migrationList(files) },
    to: { tag: "schemaDatamodel", files: [schema] },
    script: true,
    exitCode: true,
    filters: NO_FILTER,
  });
  return result.exitCode === 0 ? "" : (result.stdout ?? "");
}

/** SQL that takes the engine's live database to `schema`; empty string when they agree. */
export async function diffDatabaseToSchema(engine: SchemaEngine, schema: SchemaFile, configDir: string): Promise<string> {
  const result = await engine.diff({
    from: { tag: "schemaDatasource", files: [schema], configDir },
    to: { tag: "schemaDatamodel", files: [schema] },
    script: true,
    exitCode: true,
    filters: NO_FILTER,
  });
  return result.exitCode === 0 ? "" : (result.stdout ?? "");
}
