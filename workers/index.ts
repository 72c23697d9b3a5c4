// `npm run worker`: a materializer and a scheduler in one process (team mode: run as many
// as you like against DATABASE_URL). startEmbeddedWorkers() is what the app's start command
// calls in embedded mode, handing over its catalog store.
import { pathToFileURL } from "node:url";
import type { CatalogDb, CatalogStore } from "../lib/catalog";
import type { CrashHook, RunService } from "../lib/runs";
import type { Warehouse } from "../lib/warehouse/types";
import type { JobQueue } from "../lib/queue/types";
import { parseConfig } from "../lib/config";
import { moveLegacyState } from "../lib/config/legacy-layout";
import { startMaterializer } from "./materializer";
import { openRuntime, type Env } from "./runtime";
import { startScheduler } from "./scheduler";

export interface StartOptions {
  store?: CatalogStore;
  crash?: CrashHook;
}

export interface RunningWorkers {
  db: CatalogDb;
  workspaceId: string;
  service: RunService;
  /** The queue the workers claim from (the app enqueues review builds on it in embedded mode). */
  queue: JobQueue;
  /** The production DuckDB warehouse this process owns, for the app to read through; null on PostgreSQL. */
  warehouse: Warehouse | null;
  /** Stops claiming and scheduling, lets running handlers stop (bounded), closes what it opened. */
  stop(): Promise<void>;
}

export async function startWorkers(env: Env, options: StartOptions = {}): Promise<RunningWorkers> {
  const config = parseConfig(env);
  if (options.store === undefined) for (const move of await moveLegacyState(config)) console.log(`[worker] moved out of the data directory (cells can read it): ${move}`);
  const rt = await openRuntime(config, env, options);
  const materializer = startMaterializer(rt);
  const scheduler = config.workers.scheduler ? startScheduler(rt) : null;
  let stopping: Promise<void> | null = null;
  return {
    db: rt.db,
    workspaceId: rt.workspaceId,
    service: rt.service,
    queue: rt.queue,
    warehouse: rt.warehouse,
    stop() {
      stopping ??= (async () => {
        await scheduler?.stop();
        await materializer.stop();
        await rt.close();
      })();
      return stopping;
    },
  };
}

/**
 * For the app's instrumentation in embedded mode: the workers run in the server process over
 * its catalog store. Null when DATABASE_URL is set (team mode runs `npm run worker` instead).
 */
export async function startEmbeddedWorkers(options: StartOptions & { env?: Env } = {}): Promise<RunningWorkers | null> {
  const env = options.env ?? process.env;
  if (!parseConfig(env).embeddedWorkers) return null;
  return startWorkers(env, options);
}

/** Starts the workers of this process until SIGINT or SIGTERM (`npm run worker`, through bin/worker.mjs). */
export async function main(): Promise<void> {
  const workers = await startWorkers(process.env);
  console.log("[worker] started");
  const shutdown = (signal: string) => {
    console.log(`[worker] ${signal}: stopping`);
    workers.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("[worker] stop failed:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) {
  main().catch((error: unknown) => {
    console.error("[worker] failed to start:", error);
    process.exit(1);
  });
}
