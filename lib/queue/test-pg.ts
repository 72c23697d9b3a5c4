// Test helper: fresh PostgreSQL databases from TEST_DATABASE_URL, dropped at the end.
// CI without TEST_DATABASE_URL is an error; elsewhere the PostgreSQL cases are skipped visibly.
import pg from "pg";

export const adminUrl = process.env.TEST_DATABASE_URL || undefined;
const inCi = process.env.CI === "true" || process.env.CI === "1";

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

if (!adminUrl && inCi) throw new Error("TEST_DATABASE_URL must be set in CI: PostgreSQL is tested on a real server");

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Drops a test database and the connections still open on it. FORCE cannot end a backend a
 * non-superuser does not own ("must be a member of the role whose process is being
 * terminated"): autovacuum may be in the new database for a moment, and a connection still
 * authenticating has no role yet. New connections are refused first, and the drop is tried
 * again until those have gone.
 */
export async function dropDatabase(client: pg.Client, name: string): Promise<void> {
  await client.query(`alter database ${quoteName(name)} with allow_connections false`).catch(() => undefined);
  for (let attempt = 1; ; attempt++) {
    try {
      await client.query(`drop database if exists ${quoteName(name)} with (force)`);
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

export function pgDatabases(prefix: string): { fresh(): Promise<string>; dropAll(): Promise<void> } {
  const created: string[] = [];
  let counter = 0;
  return {
    async fresh() {
      if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
      const name = `${prefix}_${process.pid}_${++counter}`;
      await admin((c) => c.query(`create database ${quoteName(name)} template template0`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      if (!adminUrl || created.length === 0) return;
      await admin(async (c) => {
        for (const name of created.splice(0)) await dropDatabase(c, name);
      });
    },
  };
}
