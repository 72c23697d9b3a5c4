// Applies pending migrations on open. Bookkeeping is Prisma's own
// `_prisma_migrations` table and advisory lock, so `prisma migrate deploy` (where
// the native engine exists) and this migrator see the same history.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { acceptedChecksums, type MigrationFiles } from "./migrations";

export interface SqlSession {
  query(sql: string, params?: unknown[]): Promise<unknown[]>;
  /** Runs a script of several statements. */
  exec(sql: string): Promise<void>;
}

export interface MigrationConnection extends SqlSession {
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>;
}

export interface MigrateResult {
  applied: string[];
  /** Applied migrations whose file changed since (Prisma's `migrate deploy` ignores these too). */
  edited: string[];
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** The key `prisma migrate` takes with pg_advisory_lock. */
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const appliedRow = z.object({ migration_name: z.string(), checksum: z.string(), finished: z.boolean() });

async function appliedMigrations(conn: SqlSession): Promise<z.infer<typeof appliedRow>[]> {
  const rows = await conn.query(
    `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished
       FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return z.array(appliedRow).parse(rows);
}

export async function migrate(conn: MigrationConnection, files: MigrationFiles): Promise<MigrateResult> {
  await conn.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
  try {
    await conn.exec(CREATE_TABLE);
    const applied = await appliedMigrations(conn);
    const onDisk = new Map(files.migrations.map((m) => [m.name, m]));
    const edited: string[] = [];
    for (const row of applied) {
      const file = onDisk.get(row.migration_name);
      if (!row.finished) {
        throw new MigrationError(
          `migration ${row.migration_name} failed earlier and is not marked rolled back; fix the database, then run \`prisma migrate resolve\``,
        );
      }
      if (!file) {
        throw new MigrationError(`the database has migration ${row.migration_name}, which is not in ${files.dir} (is this an older version of Assetbook?)`);
      }
      if (!acceptedChecksums(file.sql).includes(row.checksum)) edited.push(row.migration_name);
    }
    const done = new Set(applied.map((r) => r.migration_name));
    const pending = files.migrations.filter((m) => !done.has(m.name));
    for (const m of pending) {
      try {
        await conn.transaction(async (tx) => {
          await tx.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
            [randomUUID(), m.checksum, m.name],
          );
          await tx.exec(m.sql);
          await tx.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = $1 AND finished_at IS NULL`, [m.name]);
        });
      } catch (error) {
        throw new MigrationError(`migration ${m.name} failed and was rolled back: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
    }
    return { applied: pending.map((m) => m.name), edited };
  } finally {
    await conn.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
  }
}
