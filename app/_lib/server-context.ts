// The server's one catalog store, auth instance and workspace (and in team mode its run
// triggers), opened once per process (kept on globalThis so dev reloads reuse it). On
// first open it syncs notebooks/*.md into the catalog and, while there is no owner,
// prints the one-time setup link to the server log.
import { createAuth, keyFromEnvOrFile, setupLink, startSetup, type Auth } from "@/lib/auth";
import { seedExampleData } from "@/lib/workspace/example-data";
import { openCatalogStore, parseSecretKey, type CatalogDb, type CatalogStore } from "@/lib/catalog";
import { newSyncMemory, syncNotebookFiles, type SyncMemory } from "@/lib/catalog/sync-notebooks";
import { ensureWorkspace } from "@/lib/catalog/workspaces";
import { productionTexts } from "@/lib/catalog/production";
import { NodeSqlReferenceParser } from "@/lib/graph/sql-refs-node";
import { openGraphileQueue, type GraphileQueue } from "@/lib/queue/graphile";
import { RunTriggers } from "@/lib/runs";
import { notebookDirStamp } from "@/lib/workspace/notebook-files";
import { startEmbeddedWorkers, type RunningWorkers } from "@/workers";
import { moveLegacyState } from "@/lib/config/legacy-layout";
import { appConfig } from "./config";

export interface AppContext {
  store: CatalogStore;
  db: CatalogDb;
  auth: Auth;
  workspaceId: string;
  /** AES key for workspace secrets. */
  secretKey: Buffer;
  notebooksDir: string;
}

const holder = globalThis as typeof globalThis & {
  __assetbookContext?: Promise<AppContext>;
  __assetbookNotebookSync?: WeakMap<AppContext, NotebookSyncState>;
  __assetbookWorkers?: Promise<RunningWorkers | null>;
  __assetbookTeamTriggers?: Promise<TeamTriggers>;
};

async function open(): Promise<AppContext> {
  const config = appConfig();
  for (const move of await moveLegacyState(config)) console.log(`[assetbook] moved out of the data directory (cells can read it): ${move}`);
  const seeded = await seedExampleData({ root: process.cwd(), dataDir: config.dataDir, notebooksDir: config.notebooksDir });
  if (seeded.length > 0) console.log(`[assetbook] put the example notebooks' data into ${config.dataDir}: ${seeded.join(", ")}`);
  const store = await openCatalogStore(config);
  const workspace = await ensureWorkspace(store.db, config.workspaceSlug);
  const authSecret = await keyFromEnvOrFile(config.authSecret);
  const secretKey = parseSecretKey({ ASSETBOOK_SECRET_KEY: await keyFromEnvOrFile(config.secretKey) });
  const baseURL = config.baseUrl ?? undefined;
  const auth = createAuth(store.db, { secret: authSecret, ...(baseURL ? { baseURL } : {}) });
  const context: AppContext = { store, db: store.db, auth, workspaceId: workspace.id, secretKey, notebooksDir: config.notebooksDir };
  await syncNotebooks(context, true);
  const token = await startSetup(store.db, workspace.id);
  if (token) console.log(`[assetbook] first run: create the owner account at ${setupLink(token, config.baseUrl, { PORT: process.env.PORT })} (one-time link, valid 24 h)`);
  return context;
}

export function appContext(): Promise<AppContext> {
  holder.__assetbookContext ??= open().catch((error: unknown) => {
    holder.__assetbookContext = undefined;
    throw error;
  });
  return holder.__assetbookContext;
}

/** What the notebook-file sync of one context remembers between page loads. */
interface NotebookSyncState {
  memory: SyncMemory;
  /** The notebooks directory's stamp when the last complete sync started; null: sync on the next call. */
  stamp: string | null;
  problems: string[];
  /** Syncs run one at a time, in call order. */
  queue: Promise<unknown>;
}

export interface NotebookSyncReport {
  /** `file[:line:column]: reason` for each notebook not in the catalog as it is on disk. */
  problems: string[];
}

function syncStateOf(context: AppContext): NotebookSyncState {
  const states = (holder.__assetbookNotebookSync ??= new WeakMap());
  let state = states.get(context);
  if (state === undefined) {
    state = { memory: newSyncMemory(), stamp: null, problems: [], queue: Promise.resolve() };
    states.set(context, state);
  }
  return state;
}

/**
 * Imports changed notebook files into the catalog. A page load costs a stat of each
 * notebook file when none changed (no read, no parse); when some did, only those are
 * parsed. Concurrent callers wait for one sync rather than run several.
 */
export function syncNotebooks(context: AppContext, force = false): Promise<NotebookSyncReport> {
  const state = syncStateOf(context);
  const run = state.queue.then(() => syncIfChanged(context, state, force));
  state.queue = run.catch(() => undefined);
  return run;
}

async function syncIfChanged(context: AppContext, state: NotebookSyncState, force: boolean): Promise<NotebookSyncReport> {
  // Taken before reading: a file written during the sync changes the stamp, and the next call syncs again.
  const stamp = await notebookDirStamp(context.notebooksDir);
  if (!force && stamp === state.stamp) return { problems: state.problems };
  const parser = await NodeSqlReferenceParser.create();
  try {
    // Once promoted, the catalog's assets are production's: a saved file is a new version only.
    const production = await productionTexts(context.db, context.workspaceId);
    const result = await syncNotebookFiles(context.db, context.workspaceId, context.notebooksDir, parser, state.memory, production);
    // Logged when they appear, not on every sync.
    for (const problem of result.problems) if (!state.problems.includes(problem)) console.warn(`[assetbook] catalog sync: ${problem}`);
    state.problems = result.problems;
    // A notebook whose sync threw (the catalog, say) is tried again on the next call.
    state.stamp = result.failed === 0 ? stamp : null;
    return { problems: result.problems };
  } finally {
    parser.close();
  }
}

/**
 * Embedded mode (no DATABASE_URL, ASSETBOOK_WORKERS not "off"): the scheduler and the
 * materializer run in this process over its one catalog store (PGlite allows one
 * process), and own the production DuckDB file (one writer). Started by instrumentation.
 */
export function startAppWorkers(): Promise<RunningWorkers | null> {
  holder.__assetbookWorkers ??= (async () => {
    if (!appConfig().embeddedWorkers) return null;
    const { store } = await appContext();
    const workers = await startEmbeddedWorkers({ store });
    if (workers !== null) console.log("[assetbook] embedded workers started");
    return workers;
  })().catch((error: unknown) => {
    console.error("[assetbook] embedded workers failed to start:", error);
    return null;
  });
  return holder.__assetbookWorkers;
}

/** The workers running in this process, or null (team mode, turned off, or not started). */
export function appWorkers(): Promise<RunningWorkers | null> {
  return holder.__assetbookWorkers ?? Promise.resolve(null);
}

/** Team mode's run triggers: the app enqueues on the shared queue; `npm run worker` executes. */
export interface TeamTriggers {
  triggers: RunTriggers;
  queue: GraphileQueue;
}

/** Connections the app's queue pool may hold: it only enqueues, cancels and reads jobs. */
const TEAM_QUEUE_POOL_SIZE = 2;

async function openTeamTriggers(context: Pick<AppContext, "db" | "notebooksDir">, databaseUrl: string): Promise<TeamTriggers> {
  const queue = await openGraphileQueue({ connectionString: databaseUrl, maxPoolSize: TEAM_QUEUE_POOL_SIZE });
  return { queue, triggers: new RunTriggers({ db: context.db, queue, notebooksDir: context.notebooksDir }) };
}

/** Team mode (the catalog on PostgreSQL): the process's run triggers, opened once; null in embedded mode. */
export async function appTeamTriggers(): Promise<TeamTriggers | null> {
  const context = await appContext();
  const databaseUrl = appConfig().databaseUrl;
  if (context.store.kind !== "postgres" || databaseUrl === null) return null;
  holder.__assetbookTeamTriggers ??= openTeamTriggers(context, databaseUrl).catch((error: unknown) => {
    holder.__assetbookTeamTriggers = undefined;
    throw error;
  });
  return holder.__assetbookTeamTriggers;
}
