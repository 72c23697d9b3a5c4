// The workers' environment, parsed once at the edge.
//   DATABASE_URL          team mode: PostgreSQL for the catalog and the graphile-worker queue;
//                         absent: the embedded PGlite store and the in-process queue.
//   ASSETBOOK_DATA_DIR    default `data` (the embedded catalog lives in <dir>/catalog unless
//                         ASSETBOOK_CATALOG_DIR says otherwise).
//   ASSETBOOK_WAREHOUSE   `duckdb:<file>` (default `duckdb:<data dir>/warehouse.duckdb`, one writer:
//                         this process) or `postgres:<url>` (the team warehouse).
//   NOTEBOOKS_DIR         where `<slug>.md` live (or ASSETBOOK_NOTEBOOKS_DIR; default `notebooks`).
//   ASSETBOOK_WORKER_CONCURRENCY, ASSETBOOK_SCHEDULE_INTERVAL_S, ASSETBOOK_LOCK_TIMEOUT_MS,
//   ASSETBOOK_POLL_MS, ASSETBOOK_WORKSPACE (slug, default `default`), ASSETBOOK_SCHEDULER (off: no scheduler).
import path from "node:path";
import { z } from "zod";

const blank = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalText = z.preprocess(blank, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(blank, z.coerce.number().int().positive().default(fallback));

export type WarehouseConfig = { kind: "duckdb"; path: string } | { kind: "postgres"; url: string };

export function parseWarehouse(spec: string): WarehouseConfig {
  if (spec.startsWith("duckdb:")) {
    const file = spec.slice("duckdb:".length);
    if (file === "") throw new Error("ASSETBOOK_WAREHOUSE: `duckdb:` needs a file path");
    return { kind: "duckdb", path: file };
  }
  if (spec.startsWith("postgres:")) {
    const url = spec.slice("postgres:".length);
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error("ASSETBOOK_WAREHOUSE: `postgres:` needs a postgres:// URL, e.g. postgres:postgres://host/db");
    return { kind: "postgres", url };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) throw new Error(`ASSETBOOK_WAREHOUSE must be a DuckDB file, duckdb:<file> or postgres:<url>, got "${spec}"`);
  // A plain path is a DuckDB file, as the app reads it.
  return { kind: "duckdb", path: spec };
}

const envSchema = z.object({
  DATABASE_URL: z.preprocess(blank, z.string().regex(/^postgres(ql)?:\/\//, "DATABASE_URL must be a postgres:// or postgresql:// URL").optional()),
  ASSETBOOK_CATALOG_DIR: optionalText,
  ASSETBOOK_DATA_DIR: z.preprocess(blank, z.string().default("data")),
  ASSETBOOK_WAREHOUSE: optionalText,
  NOTEBOOKS_DIR: optionalText,
  ASSETBOOK_NOTEBOOKS_DIR: optionalText,
  ASSETBOOK_WORKSPACE: z.preprocess(blank, z.string().default("default")),
  ASSETBOOK_WORKER_CONCURRENCY: positiveInt(4),
  ASSETBOOK_SCHEDULE_INTERVAL_S: positiveInt(15),
  ASSETBOOK_LOCK_TIMEOUT_MS: positiveInt(60_000),
  ASSETBOOK_POLL_MS: positiveInt(1_000),
  ASSETBOOK_SCHEDULER: z.preprocess(blank, z.enum(["on", "off"]).default("on")),
  ASSETBOOK_SECRET_KEY: optionalText,
});

export interface WorkerConfig {
  /** null: embedded (PGlite catalog, in-process queue). */
  databaseUrl: string | null;
  catalogDir: string;
  dataDir: string;
  warehouse: WarehouseConfig;
  notebooksDir: string;
  workspaceSlug: string;
  concurrency: number;
  scheduleIntervalMs: number;
  lockTimeoutMs: number;
  pollMs: number;
  scheduler: boolean;
  secretKey: string | null;
}

export function parseWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const e = envSchema.parse(env);
  return {
    databaseUrl: e.DATABASE_URL ?? null,
    catalogDir: e.ASSETBOOK_CATALOG_DIR ?? path.join(e.ASSETBOOK_DATA_DIR, "catalog"),
    dataDir: e.ASSETBOOK_DATA_DIR,
    warehouse: parseWarehouse(e.ASSETBOOK_WAREHOUSE ?? `duckdb:${path.join(e.ASSETBOOK_DATA_DIR, "warehouse.duckdb")}`),
    notebooksDir: e.NOTEBOOKS_DIR ?? e.ASSETBOOK_NOTEBOOKS_DIR ?? "notebooks",
    workspaceSlug: e.ASSETBOOK_WORKSPACE,
    concurrency: e.ASSETBOOK_WORKER_CONCURRENCY,
    scheduleIntervalMs: e.ASSETBOOK_SCHEDULE_INTERVAL_S * 1000,
    lockTimeoutMs: e.ASSETBOOK_LOCK_TIMEOUT_MS,
    pollMs: e.ASSETBOOK_POLL_MS,
    scheduler: e.ASSETBOOK_SCHEDULER === "on",
    secretKey: e.ASSETBOOK_SECRET_KEY ?? null,
  };
}
