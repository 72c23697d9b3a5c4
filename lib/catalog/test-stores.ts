// The stores the catalog suite runs against: embedded PGlite in a temporary
// directory always; PostgreSQL when TEST_DATABASE_URL is set (required when
// CI=true). Each PostgreSQL store gets a fresh database, dropped afterwards.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { cp, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { z } from "zod";
import { dropDatabase } from "../queue/test-pg";
import { openCatalogStore, type CatalogStore } from "./store";

const testEnvSchema = z.object({
  CI: z.string().optional(),
  TEST_DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^postgres(ql)?:\/\//).optional()),
});

export interface OpenedStore {
  store: CatalogStore;
  /** Opens the same database again (after `store.close()`). */
  reopen(): Promise<CatalogStore>;
  /** Closes nothing; removes what open() created. Call after closing. */
  cleanup(): Promise<void>;
}

export interface StoreCase {
  name: "embedded" | "postgres";
  /** `migrated: false`: an embedded store that applies every migration itself (else a copy of a migrated one). */
  open(options?: { migrated?: boolean }): Promise<OpenedStore>;
}

const quiet = { onWarning: () => {} };

/**
 * A migrated embedded catalog, made once per test process and copied for each store: a
 * fresh PGlite spends ~3 s in initdb, a copy opens in well under one (the suite opens
 * hundreds). The copy is a whole, closed data directory, so each store is as new.
 */
let template: Promise<string> | undefined;
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-catalog-template-"));
    process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
    const dataDir = path.join(dir, "catalog");
    await (await openCatalogStore({ catalogDir: dataDir }, quiet)).close();
    return dataDir;
  })();
  return template;
}

/** Puts a migrated embedded catalog at `dataDir` (for a test that opens it from other processes too). */
export async function copyMigratedCatalog(dataDir: string): Promise<void> {
  await cp(await migratedTemplate(), dataDir, { recursive: true });
}

const embedded: StoreCase = {
  name: "embedded",
  async open({ migrated = true } = {}) {
    const dir = await mkdtemp(path.join(os.tmpdir(), "assetbook-catalog-"));
    const dataDir = path.join(dir, "catalog");
    if (migrated) await copyMigratedCatalog(dataDir);
    const openIt = () => openCatalogStore({ catalogDir: dataDir }, quiet);
    return { store: await openIt(), reopen: openIt, cleanup: () => rm(dir, { recursive: true, force: true }) };
  },
};

function postgres(baseUrl: string): StoreCase {
  return {
    name: "postgres",
    async open() {
      const database = `assetbook_t_${randomBytes(6).toString("hex")}`;
      const admin = new pg.Client({ connectionString: baseUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE "${database}"`);
      await admin.end();
      const url = new URL(baseUrl);
      url.pathname = `/${database}`;
      const openIt = () => openCatalogStore({ databaseUrl: url.toString() }, quiet);
      return {
        store: await openIt(),
        reopen: openIt,
        cleanup: async () => {
          const client = new pg.Client({ connectionString: baseUrl });
          await client.connect();
          try {
            await dropDatabase(client, database);
          } finally {
            await client.end();
          }
        },
      };
    },
  };
}

export interface StoreCases {
  cases: StoreCase[];
  /** Why PostgreSQL is not among the cases (a message to show), or null. */
  postgresSkipped: string | null;
  /** Set when the run must fail: CI without a PostgreSQL to test on. */
  postgresMissingInCi: string | null;
}

export function storeCases(env: Record<string, string | undefined> = process.env): StoreCases {
  const parsed = testEnvSchema.parse(env);
  if (parsed.TEST_DATABASE_URL) return { cases: [embedded, postgres(parsed.TEST_DATABASE_URL)], postgresSkipped: null, postgresMissingInCi: null };
  const why = "TEST_DATABASE_URL is not set: the PostgreSQL store is not tested";
  const inCi = parsed.CI === "true" || parsed.CI === "1";
  return { cases: [embedded], postgresSkipped: inCi ? null : why, postgresMissingInCi: inCi ? `${why}, and CI requires it` : null };
}
