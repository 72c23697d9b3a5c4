// The graphile-worker adapter passes the conformance suite on a real PostgreSQL
// (TEST_DATABASE_URL; each test gets a fresh database).
import { afterAll, describe, it } from "vitest";
import { queueConformance } from "./conformance";
import { openGraphileQueue } from "./graphile";
import { adminUrl, pgDatabases } from "./test-pg";

const dbs = pgDatabases("queue_gw");
afterAll(() => dbs.dropAll());

if (adminUrl) {
  queueConformance(
    "graphile-worker on PostgreSQL",
    async () => {
      const url = await dbs.fresh();
      const a = await openGraphileQueue({ connectionString: url });
      const b = await openGraphileQueue({ connectionString: url });
      return { queues: [a, b], close: async () => void (await Promise.all([a.close(), b.close()])) };
    },
    { bulkCount: 500, bulkConcurrency: 4 },
  );
} else {
  describe.skip("graphile queue (set TEST_DATABASE_URL to run)", () => {
    it("needs a server", () => undefined);
  });
}
