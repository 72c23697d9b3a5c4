// The in-process queue passes the conformance suite on PGlite (the embedded store) and on a
// real PostgreSQL through one pg.Client (TEST_DATABASE_URL).
import { freshPglite } from "./test-pglite";
import pg from "pg";
import { afterAll, describe, it } from "vitest";
import { queueConformance } from "./conformance";
import { openLocalQueue } from "./local";
import { adminUrl, pgDatabases } from "./test-pg";

queueConformance(
  "local on PGlite",
  async () => {
    const db = await freshPglite();
    const queues = [await openLocalQueue(db), await openLocalQueue(db)] as const;
    return {
      queues: [queues[0], queues[1]],
      close: async () => {
        await Promise.all(queues.map((q) => q.close()));
        await db.close();
      },
    };
  },
  { bulkCount: 500, bulkConcurrency: 4 },
);

const dbs = pgDatabases("queue_local");
afterAll(() => dbs.dropAll());

if (adminUrl) {
  queueConformance(
    "local on PostgreSQL",
    async () => {
      const client = new pg.Client({ connectionString: await dbs.fresh() });
      await client.connect();
      const queues = [await openLocalQueue(client), await openLocalQueue(client)] as const;
      return {
        queues: [queues[0], queues[1]],
        close: async () => {
          await Promise.all(queues.map((q) => q.close()));
          await client.end();
        },
      };
    },
    { bulkCount: 500, bulkConcurrency: 4 },
  );
} else {
  describe.skip("local queue on PostgreSQL (set TEST_DATABASE_URL to run)", () => {
    it("needs a server", () => undefined);
  });
}
