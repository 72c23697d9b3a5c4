// A promotion makes production serve data an environment built (a rollback, data it served
// before; the first start, tables `assetbook run` wrote): nothing is recomputed, but the
// catalog must say that production has that data, when it was made, and how it checked out,
// or the asset reads as "never materialized" until its next production run.
import type { CatalogDb } from "../catalog";
import { recordMaterialization, type CheckRecord } from "../catalog/materializations";
import type { ProductionPromotion } from "../catalog/production";
import { INITIAL_PROMOTION } from "../lifecycle/adopt";
import { lastBuild, versionTables, versionViews, type BuiltOutcome, type PromotionRecord } from "../lifecycle/store";
import { quoteIdent, type Warehouse } from "../warehouse/types";

function reasonOf(env: string): string {
  if (env === INITIAL_PROMOTION) return "adopted at the first start: the table written before production was promoted";
  if (env.startsWith("rollback:")) return "rolled back: production serves this version again";
  return `promoted from environment ${env}: the data it built and checked`;
}

/** Records, for each promotion the catalog just learned of, a production materialization of each asset it changed that has data. */
export async function recordPromotedMaterializations(db: CatalogDb, workspaceId: string, warehouse: Warehouse, recorded: readonly ProductionPromotion[], history: readonly PromotionRecord[]): Promise<void> {
  if (recorded.length === 0) return;
  const tables = await versionTables(warehouse);
  const views = await versionViews(warehouse);
  for (const promotion of recorded) {
    const after = history.find((record) => record.id === promotion.id)?.after;
    if (after === undefined) continue;
    const build = promotion.env === INITIAL_PROMOTION || promotion.env.startsWith("rollback:") ? null : await lastBuild(warehouse, promotion.env);
    for (const name of promotion.changed) {
      const version = after.assets[name];
      // Removed, or a version production adopted that never ran: there is no data to speak of.
      if (version === undefined || ((tables.get(version) ?? []).length === 0 && !views.has(version))) continue;
      const asset = await db.asset.findUnique({ where: { workspaceId_name: { workspaceId, name } }, select: { id: true, notebook: { select: { productionVersionId: true } } } });
      if (asset === null) continue;
      // Adopted data whose production history the catalog has already (the runs that wrote it) is told by that history.
      if (promotion.env === INITIAL_PROMOTION && (await db.materialization.findFirst({ where: { assetId: asset.id, environment: "production" }, select: { id: true } })) !== null) continue;
      const built: readonly (BuiltOutcome | null)[] = build?.outcomes.filter((outcome) => outcome.asset === name && outcome.status === "succeeded") ?? [];
      for (const outcome of built.length > 0 ? built : [null]) {
        await recordMaterialization(db, {
          assetId: asset.id,
          environment: "production",
          partition: outcome?.partition ?? null,
          status: "succeeded",
          rows: outcome?.rows ?? (await countRows(warehouse, name)),
          columns: await warehouse.describe(name),
          durationMs: outcome?.durationMs ?? 0,
          checks: (outcome?.checks ?? []).map((check): CheckRecord => ({ check: check.check, severity: check.severity === "warn" ? "warn" : "error", passed: check.passed, failures: check.failures, ...(check.error === undefined ? {} : { error: check.error }) })),
          reason: reasonOf(promotion.env),
          notebookVersionId: asset.notebook?.productionVersionId ?? null,
          // When the data was made: the build's time, else the promotion's.
          createdAt: build?.at ?? promotion.promotedAt,
        });
      }
    }
  }
}

async function countRows(warehouse: Warehouse, table: string): Promise<number | null> {
  try {
    const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    return Number(row?.n ?? 0);
  } catch {
    return null;
  }
}
