// Binds lib/runs/notebook-changes to the server: the production warehouse (the embedded
// workers' open DuckDB, else a session on the configured one), the SQL parser, and the
// workspace's extract sources for builds.
import { NodeSqlReferenceParser } from "@/lib/graph/sql-refs-node";
import type { ChangesDeps } from "@/lib/runs/notebook-changes";
import type { LifecycleOps } from "@/lib/runs/lifecycle-ops";
import { productionLifecycle } from "@/lib/runs/notebook-changes";
import { openProductionReader } from "@/lib/warehouse/open";
import { RouteError } from "./route";
import { extractSources, secretKeyOf } from "@/workers/runtime";
import { appConfig } from "./config";
import { appContext, appWorkers } from "./server-context";
import { runsPort } from "./run-data";

/**
 * Runs `work` with everything a notebook's changes need; the parser and any session opened
 * here are closed after. Extract sources (the workspace's secrets) only for what builds.
 * A refusal of the warehouse (a guard: production moved meanwhile) is a 409, a plan error a 422.
 */
export async function withChanges<T>(work: (deps: ChangesDeps) => Promise<T>, options: { extract?: boolean } = {}): Promise<T> {
  const config = appConfig();
  const { db, workspaceId, notebooksDir } = await appContext();
  const reader = await openProductionReader(config.warehouse, (await appWorkers())?.warehouse ?? null);
  if (reader === null) throw new RouteError(503, "production's DuckDB file is held by another process: the lifecycle runs in the app only with its embedded workers, or on PostgreSQL");
  const parser = await NodeSqlReferenceParser.create();
  try {
    const extract = options.extract ? await extractSources(db, await secretKeyOf(config), config, process.env)(workspaceId) : undefined;
    // Whatever starts runs here (embedded workers or the team queue) starts a promotion's backfills.
    const runs = await runsPort().then(({ runs: port }) => port, () => undefined);
    return await work({ db, workspaceId, notebooksDir, parser, warehouse: reader.warehouse, ...(extract ? { extract } : {}), ...(runs ? { runs } : {}) });
  } catch (error) {
    // By name: the embedded workers' warehouse comes from another bundle, with its own error classes.
    if (error instanceof Error && error.name === "GuardError") throw new RouteError(409, error.message);
    if (error instanceof Error && error.name === "PlanError") throw new RouteError(422, error.message);
    throw error;
  } finally {
    parser.close();
    await reader.release();
  }
}

/** The lifecycle's commands over production, as the command line sends them (ASSETBOOK_SERVER). */
export function withLifecycleOps<T>(work: (ops: LifecycleOps) => Promise<T>, options: { extract?: boolean } = {}): Promise<T> {
  return withChanges((deps) => work(productionLifecycle(deps)), options);
}
