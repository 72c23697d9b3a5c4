// Outside input for the catalog: environment variables, parsed once.
import { z } from "zod";

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

export const catalogEnvSchema = z.object({
  /** Team mode: PostgreSQL for metadata. Absent: the embedded PGlite store. */
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL").optional(),
  ),
  /** Embedded mode: where PGlite keeps its files (default data/catalog). `memory://` keeps nothing. */
  ASSETBOOK_CATALOG_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
});

export type CatalogEnv = z.infer<typeof catalogEnvSchema>;

export type EnvSource = Record<string, string | undefined>;

export function parseCatalogEnv(env: EnvSource): CatalogEnv {
  return catalogEnvSchema.parse(env);
}
