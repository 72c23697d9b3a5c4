// For the Prisma CLI where its native engine is available (it cannot be
// downloaded on our build machines):
//   DATABASE_URL=postgresql://… npx prisma migrate deploy --config prisma/prisma.config.ts
// The app does not need this: it applies prisma/migrations itself on start
// (lib/catalog/migrator.ts), keeping the same `_prisma_migrations` bookkeeping.
import path from "node:path";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: path.join(import.meta.dirname, "schema.prisma"),
  migrations: { path: path.join(import.meta.dirname, "migrations") },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
