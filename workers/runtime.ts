// What both workers share in one process: the catalog store, the queue, the production
// warehouse and the run service. Embedded: the PGlite store (the app's, when it passes
// it), the in-process queue over it, and the DuckDB file opened once (this process is its
// only writer). Team: PostgreSQL, graphile-worker, and the warehouse DATABASE_URL names.
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { openCatalogStore, parseSecretKey, workspaceSecretResolver, type CatalogDb, type CatalogStore } from "../lib/catalog";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { readFilePages } from "../lib/extract/file";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { openGraphileQueue } from "../lib/queue/graphile";
import { openLocalQueue } from "../lib/queue/local";
import type { JobQueue } from "../lib/queue/types";
import { RunService, crashFromEnv, prismaSqlClient, type CrashHook, type ExtractSources, type WarehouseLease } from "../lib/runs";
import { openDuckDbWarehouse } from "../lib/warehouse/duckdb-node";
import { openPostgresWarehouse } from "../lib/warehouse/postgres";
import type { Warehouse } from "../lib/warehouse/types";
import type { WarehouseConfig, WorkerConfig } from "./config";

export type Env = Record<string, string | undefined>;

export interface RuntimeOptions {
  /** The app's open catalog store (embedded PGlite is one connection per process); not closed here. */
  store?: CatalogStore;
  crash?: CrashHook;
}

export interface WorkerRuntime {
  config: WorkerConfig;
  db: CatalogDb;
  workspaceId: string;
  queue: JobQueue;
  service: RunService;
  /** The DuckDB warehouse this process owns (the app reads through it); null for PostgreSQL. */
  warehouse: Warehouse | null;
  close(): Promise<void>;
}

interface WarehousePort {
  shared: Warehouse | null;
  lease(): Promise<WarehouseLease>;
  close(): Promise<void>;
}

/** A frozen worker must not hold warehouse locks forever (the rescuer's DROP of the staging
 * table would wait on them): PostgreSQL ends its session once it idles in a transaction for
 * as long as a lost lease. */
export function withIdleTransactionTimeout(url: string, ms: number): string {
  const parsed = new URL(url);
  const existing = parsed.searchParams.get("options");
  parsed.searchParams.set("options", `${existing === null ? "" : `${existing} `}-c idle_in_transaction_session_timeout=${ms}`);
  return parsed.toString();
}

async function openWarehousePort(config: WarehouseConfig, dataDir: string, lockTimeoutMs: number): Promise<WarehousePort> {
  switch (config.kind) {
    case "duckdb": {
      await mkdir(path.dirname(path.resolve(config.path)), { recursive: true });
      await mkdir(dataDir, { recursive: true });
      const warehouse = await openDuckDbWarehouse({ path: config.path, dataDir });
      return { shared: warehouse, lease: async () => ({ warehouse, release: async () => undefined }), close: () => warehouse.close() };
    }
    case "postgres":
      return {
        shared: null,
        lease: async () => {
          const warehouse = await openPostgresWarehouse({ connectionString: withIdleTransactionTimeout(config.url, lockTimeoutMs) });
          return { warehouse, release: () => warehouse.close() };
        },
        close: async () => undefined,
      };
    default: {
      const unreachable: never = config;
      throw new Error(`unknown warehouse ${JSON.stringify(unreachable)}`);
    }
  }
}

async function secretKeyOf(config: WorkerConfig): Promise<Buffer | null> {
  const text = config.secretKey ?? (await readFile(path.join(config.dataDir, "secret-key"), "utf8").catch(() => null));
  return text === null ? null : parseSecretKey({ ASSETBOOK_SECRET_KEY: text.trim() });
}

/** Extract secrets: the workspace's (when the key is known, bound to their allowed hosts), else the environment. */
function extractSources(db: CatalogDb, key: Buffer | null, env: Env, dataDir: string): (workspaceId: string) => Promise<ExtractSources> {
  return async (workspaceId) => ({ resolveSecret: await workspaceSecretResolver(db, key, workspaceId, env), dataDir, readFilePages });
}

export async function openRuntime(config: WorkerConfig, env: Env, options: RuntimeOptions = {}): Promise<WorkerRuntime> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => console.error("[worker] close:", e));
  };
  try {
    let store = options.store;
    if (store === undefined) {
      const opened = await openCatalogStore(config.databaseUrl === null ? {} : { DATABASE_URL: config.databaseUrl }, { dataDir: config.catalogDir });
      cleanups.push(() => opened.close());
      store = opened;
    }
    const db = store.db;
    const team = config.databaseUrl !== null;
    if ((store.kind === "postgres") !== team) throw new Error(`the catalog store is ${store.kind} but DATABASE_URL is ${team ? "set" : "not set"}`);
    const queue: JobQueue = config.databaseUrl !== null ? await openGraphileQueue({ connectionString: config.databaseUrl }) : await openLocalQueue(prismaSqlClient(db));
    cleanups.push(() => queue.close());
    const warehouse = await openWarehousePort(config.warehouse, config.dataDir, config.lockTimeoutMs);
    cleanups.push(() => warehouse.close());
    const parser = await NodeSqlReferenceParser.create();
    cleanups.push(async () => parser.close());
    const workspace = await ensureWorkspace(db, config.workspaceSlug);
    const service = new RunService({
      db,
      queue,
      openWarehouse: () => warehouse.lease(),
      notebooksDir: config.notebooksDir,
      parser: async () => parser,
      extractSources: extractSources(db, await secretKeyOf(config), env, config.dataDir),
      crash: options.crash ?? crashFromEnv(env),
    });
    return { config, db, workspaceId: workspace.id, queue, service, warehouse: warehouse.shared, close };
  } catch (error) {
    await close();
    throw error;
  }
}
