// The migrator's view of a database: PGlite or a pg client.
import type { PGlite, Transaction } from "@electric-sql/pglite";
import type pg from "pg";
import type { MigrationConnection, SqlSession } from "./migrator";

function pgliteSession(db: PGlite | Transaction): SqlSession {
  return {
    query: async (sql, params) => (await db.query(sql, params)).rows,
    exec: async (sql) => {
      await db.exec(sql);
    },
  };
}

export function pgliteConnection(db: PGlite): MigrationConnection {
  return { ...pgliteSession(db), transaction: (fn) => db.transaction((tx) => fn(pgliteSession(tx))) };
}

export function pgConnection(client: pg.Client): MigrationConnection {
  const session: SqlSession = {
    query: async (sql, params) => (await client.query(sql, params)).rows,
    exec: async (sql) => {
      await client.query(sql);
    },
  };
  return {
    ...session,
    transaction: async (fn) => {
      await client.query("BEGIN");
      try {
        const result = await fn(session);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      }
    },
  };
}
