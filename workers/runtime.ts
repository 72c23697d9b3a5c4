// What both workers share in one process: the catalog store, the queue, the production
// warehouse and the run service. Embedded: the PGlite store (the app's, when it passes
// it), the in-process queue over it, and the DuckDB file opened once (this process is its
// only writer). Team: PostgreSQL, graphile-worker, and the warehouse DATABASE_URL names.
import { readFile } from "node:fs/promises";
import { openCatalogStore, parseSecretKey, workspaceSecretResolver, type CatalogDb, type CatalogStore } from "../lib/catalog";
import { ensureWorkspace } from "../lib/catalog/workspaces";
import { readFilePages } from "../lib/extract/file";
import { NodeSqlReferenceParser } from "../lib/graph/sql-refs-node";
import { openGraphileQueue } from "../lib/queue/graphile";
import { openLocalQueue } from "../lib/queue/local";
import type { JobQueue } from "../lib/queue/types";
import { startProduction } from "../lib/runs/production";
import { RunService, crashFromEnv, prismaSqlClient, type CrashHook, type ExtractSources } from "../lib/runs";
import { openWarehousePool } from "../lib/warehouse/open";
import type { Warehouse } from "../lib/warehouse/types";
import type { AssetbookConfig } from "../lib/config";
import type { ReviewBuildDeps } from "../lib/reviews/build-job";
import type { BranchSyncDeps } from "../lib/gitsync/job";
import { secretValueOf } from "../lib/secrets";
import { AlertService } from "../lib/alerts/service";

export type Env = Record<string, string | undefined>;

export interface RuntimeOptions {
  /** The app's open catalog store (embedded PGlite is one connection per process); not closed here. */
  store?: CatalogStore;
  crash?: CrashHook;
}

export interface WorkerRuntime {
  config: AssetbookConfig;
  db: CatalogDb;
  workspaceId: string;
  queue: JobQueue;
  service: RunService;
  /** What a review's build (the `build_review` job) runs with. */
  reviewBuilds: ReviewBuildDeps;
  /** Production follows a branch (ASSETBOOK_GIT_REMOTE): what the `sync_branch` job runs with; null when off. */
  branchSync: BranchSyncDeps | null;
  /** Alerts: the `deliver_alert` handler, and what runs and the scheduler raise. */
  alerts: AlertService;
  /** The DuckDB warehouse this process owns (the app reads through it); null for PostgreSQL. */
  warehouse: Warehouse | null;
  close(): Promise<void>;
}

/** Workers never create the key (the app does, on first start): without it, workspace secrets are out of reach. */
export async function secretKeyOf(config: AssetbookConfig): Promise<Buffer | null> {
  const text = "value" in config.secretKey ? config.secretKey.value : await readFile(config.secretKey.file, "utf8").catch(() => null);
  return text === null ? null : parseSecretKey({ ASSETBOOK_SECRET_KEY: text.trim() });
}

/** Extract secrets: the workspace's (when the key is known, bound to their allowed hosts), else the environment; and the operator's outbound policy. */
export function extractSources(db: CatalogDb, key: Buffer | null, config: AssetbookConfig, env: Env): (workspaceId: string) => Promise<ExtractSources> {
  return async (workspaceId) => ({ resolveSecret: await workspaceSecretResolver(db, key, workspaceId, config.envSecrets, env), dataDir: config.dataDir, readFilePages, outbound: config.outbound });
}

export async function openRuntime(config: AssetbookConfig, env: Env, options: RuntimeOptions = {}): Promise<WorkerRuntime> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((e: unknown) => console.error("[worker] close:", e));
  };
  try {
    let store = options.store;
    if (store === undefined) {
      const opened = await openCatalogStore(config);
      cleanups.push(() => opened.close());
      store = opened;
    }
    const db = store.db;
    const team = config.databaseUrl !== null;
    if ((store.kind === "postgres") !== team) throw new Error(`the catalog store is ${store.kind} but DATABASE_URL is ${team ? "set" : "not set"}`);
    const queue: JobQueue = config.databaseUrl !== null ? await openGraphileQueue({ connectionString: config.databaseUrl }) : await openLocalQueue(prismaSqlClient(db));
    cleanups.push(() => queue.close());
    const warehouse = await openWarehousePool(config.warehouse, { dataDir: config.dataDir, lockTimeoutMs: config.workers.lockTimeoutMs });
    cleanups.push(() => warehouse.close());
    const parser = await NodeSqlReferenceParser.create();
    cleanups.push(async () => parser.close());
    const workspace = await ensureWorkspace(db, config.workspaceSlug);
    // Production changes only by promotion: the first start promotes the notebooks on disk.
    const lease = await warehouse.lease();
    try {
      const started = await startProduction({ db, workspaceId: workspace.id, warehouse: lease.warehouse, notebooksDir: config.notebooksDir, parser });
      if (started.adopted) {
        console.log(`[worker] first start: promoted ${started.notebooks.length} notebook(s) from ${config.notebooksDir} to production`);
        for (const issue of started.left) console.warn(`[worker] not promoted: ${issue.file}:${issue.line}: ${issue.message}`);
      } else if (started.reason !== "production has been promoted before") {
        console.warn(`[worker] production not promoted: ${started.reason}`);
      }
    } finally {
      await lease.release();
    }
    const sources = extractSources(db, await secretKeyOf(config), config, env);
    const alerts = new AlertService({ db, queue, key: await secretKeyOf(config), baseUrl: config.baseUrl, outbound: config.outbound, smtp: config.smtp, envSecrets: config.envSecrets, env });
    const service = new RunService({
      db,
      queue,
      openWarehouse: () => warehouse.lease(),
      notebooksDir: config.notebooksDir,
      parser: async () => parser,
      extractSources: sources,
      crash: options.crash ?? crashFromEnv(env),
      onRunEnded: (workspaceId, run) => alerts.runEnded(workspaceId, run),
    });
    const reviewBuilds: ReviewBuildDeps = { db, openWarehouse: () => warehouse.lease(), parser: async () => parser, extractSources: sources };
    const secretKey = await secretKeyOf(config);
    const git = config.git;
    const branchSync: BranchSyncDeps | null =
      git === null
        ? null
        : {
            db,
            workspaceId: workspace.id,
            notebooksDir: config.notebooksDir,
            parser,
            extractSources: sources,
            runs: service,
            git,
            stateDir: config.stateDir,
            alerts,
            openWarehouse: () => warehouse.lease(),
            credential: async () => {
              if (git.credential === null) return null;
              const value = secretValueOf((await workspaceSecretResolver(db, secretKey, workspace.id, config.envSecrets, env))(git.credential));
              if (value === undefined) throw new Error(`ASSETBOOK_GIT_CREDENTIAL names the secret ${git.credential}, which the workspace does not have: set it on the Secrets page`);
              return value;
            },
          };
    return { config, db, workspaceId: workspace.id, queue, service, reviewBuilds, branchSync, alerts, warehouse: warehouse.shared, close };
  } catch (error) {
    await close();
    throw error;
  }
}
