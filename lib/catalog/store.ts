// Opens the metadata store: embedded PGlite under .assetbook/catalog (lib/config), or PostgreSQL
// when DATABASE_URL is set. Pending migrations are applied before the client is
// handed out.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { pgConnection, pgliteConnection } from "./connections";
import { PrismaClient } from "./generated/client";
import { defaultMigrationsDir, readMigrations } from "./migrations";
import { migrate, type MigrateResult } from "./migrator";

export type CatalogDb = PrismaClient;

export type CatalogStoreKind = "embedded" | "postgres";

export interface CatalogStore {
  kind: CatalogStoreKind;
  db: CatalogDb;
  migrations: MigrateResult;
  close(): Promise<void>;
}

/** Which store to open (lib/config's `databaseUrl` and `catalogDir`): PostgreSQL when a URL is given, else PGlite. */
export interface CatalogTarget {
  databaseUrl?: string | null;
  /** Embedded store directory (`memory://` keeps nothing). Default: .assetbook/catalog under the working directory. */
  catalogDir?: string;
}

export interface OpenCatalogOptions {
  /** Default: prisma/migrations under the working directory. */
  migrationsDir?: string;
  /** Told about applied migrations whose file has changed since. */
  onWarning?: (message: string) => void;
}

function warnEdited(result: MigrateResult, onWarning: (message: string) => void): void {
  for (const name of result.edited) onWarning(`catalog: migration ${name} was edited after it was applied`);
}

async function openEmbedded(dataDir: string, migrationsDir: string): Promise<CatalogStore> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(inMemory ? dataDir : path.resolve(dataDir));
  try {
    const migrations = await migrate(pgliteConnection(pglite), await readMigrations(migrationsDir));
    const db = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      kind: "embedded",
      db,
      migrations,
      close: async () => {
        await db.$disconnect();
        await pglite.close();
      },
    };
  } catch (error) {
    await pglite.close();
    throw error;
  }
}

async function openPostgres(connectionString: string, migrationsDir: string): Promise<CatalogStore> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  let migrations: MigrateResult;
  try {
    migrations = await migrate(pgConnection(client), await readMigrations(migrationsDir));
  } finally {
    await client.end();
  }
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
  return { kind: "postgres", db, migrations, close: () => db.$disconnect() };
}

export async function openCatalogStore(target: CatalogTarget, options: OpenCatalogOptions = {}): Promise<CatalogStore> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const store = target.databaseUrl
    ? await openPostgres(target.databaseUrl, migrationsDir)
    : await openEmbedded(target.catalogDir ?? path.join(".assetbook", "catalog"), migrationsDir);
  warnEdited(store.migrations, options.onWarning ?? ((message) => console.warn(message)));
  return store;
}
