// The queue's SqlClient over the catalog's Prisma client: the embedded store's PGlite is
// single-connection and owned by Prisma, so the in-process queue goes through it.
import type { CatalogDb } from "../catalog";
import type { SqlClient } from "../queue/types";

export function prismaSqlClient(db: CatalogDb): SqlClient {
  return {
    async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
      const rows: T[] = await db.$queryRawUnsafe(sql, ...params);
      return { rows };
    },
  };
}
