// Binds lib/runs/notebook-changes to the server: the production warehouse (the embedded
// workers' open DuckDB, else a session on the configured one), the SQL parser, and the
// workspace's extract sources for builds.
import { NodeSqlReferenceParser } from "@/lib/graph/sql-refs-node";
import type { ChangesDeps } from "@/lib/runs/notebook-changes";
import { warehouseLifecycle, type LifecycleOps } from "@/lib/runs/lifecycle-ops";
import { reconcileProduction } from "@/lib/runs/production";
import { openWarehousePool } from "@/lib/warehouse/open";
import { extractSources, secretKeyOf } from "@/workers/runtime";
import { appConfig } from "./config";
import { appContext, appWorkers } from "./server-context";

/** Runs `work` with everything a notebook's changes need; the parser and any session opened here are closed after. */
export async function withChanges<T>(work: (deps: ChangesDeps) => Promise<T>): Promise<T> {
  const config = appConfig();
  const { db, workspaceId, notebooksDir } = await appContext();
  const parser = await NodeSqlReferenceParser.create();
  const extract = await extractSources(db, await secretKeyOf(config), config, process.env)(workspaceId);
  try {
    const workers = await appWorkers();
    if (workers?.warehouse) return await work({ db, workspaceId, notebooksDir, parser, extract, warehouse: workers.warehouse });
    const pool = await openWarehousePool(config.warehouse, { dataDir: config.dataDir, lockTimeoutMs: config.workers.lockTimeoutMs });
    try {
      const lease = await pool.lease();
      try {
        return await work({ db, workspaceId, notebooksDir, parser, extract, warehouse: lease.warehouse });
      } finally {
        await lease.release();
      }
    } finally {
      await pool.close();
    }
  } finally {
    parser.close();
  }
}

/** The lifecycle's commands over production, as the command line sends them (ASSETBOOK_SERVER); a change of production reconciles the catalog. */
export function withLifecycleOps<T>(work: (ops: LifecycleOps) => Promise<T>): Promise<T> {
  return withChanges((deps) => work(warehouseLifecycle({ ...deps, afterChange: () => reconcileProduction(deps).then(() => undefined) })));
}
