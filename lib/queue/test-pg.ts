// Test helper: fresh PostgreSQL databases from TEST_DATABASE_URL, dropped at the end.
// CI without TEST_DATABASE_URL is an error; elsewhere the PostgreSQL cases are skipped visibly.
import pg from "pg";

export const adminUrl = process.env.TEST_DATABASE_URL || undefined;
const inCi = process.env.CI === "true" || process.env.CI === "1";
if (!adminUrl && inCi) throw new Error("TEST_DATABASE_URL must be set in CI: the queue is tested on a real PostgreSQL");

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function pgDatabases(prefix: string): { fresh(): Promise<string>; dropAll(): Promise<void> } {
  const created: string[] = [];
  let counter = 0;
  return {
    async fresh() {
      if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
      const name = `${prefix}_${process.pid}_${++counter}`;
      await admin((c) => c.query(`create database ${name} template template0`));
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropAll() {
      if (!adminUrl || created.length === 0) return;
      await admin(async (c) => {
        for (const name of created.splice(0)) await c.query(`drop database if exists ${name} with (force)`);
      });
    },
  };
}
