// Production as the warehouse has it, brought into the catalog: on every start (after the
// first start has promoted the notebooks on disk) and after every promotion or rollback.
import type { CatalogDb } from "../catalog";
import { recordProduction, type ProductionPromotion } from "../catalog/production";
import { syncNotebookFiles, newSyncMemory } from "../catalog/sync-notebooks";
import type { SqlReferenceParser } from "../graph";
import { adoptNotebooks, type AdoptResult } from "../lifecycle/adopt";
import { PRODUCTION } from "../lifecycle/layout";
import { hasPromotedProduction, promotions, servedState } from "../lifecycle/store";
import type { SqlSyntax } from "../lifecycle/syntax";
import type { PromotionRecord } from "../lifecycle/store";
import { GuardError } from "../warehouse/errors";
import type { Warehouse } from "../warehouse/types";
import { readNotebookDir } from "../workspace/notebook-files";
import { recordPromotedMaterializations } from "./promoted-materializations";
import { WORKSPACE_FILE } from "../notebook/workspace-file";

function changedKeys(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((key) => before[key] !== after[key]).sort();
}

function catalogPromotion(promotion: PromotionRecord): ProductionPromotion {
  return {
    id: promotion.id,
    seq: promotion.seq,
    env: promotion.env,
    planHash: promotion.planHash,
    changed: changedKeys(promotion.before.assets, promotion.after.assets),
    notebooks: changedKeys(promotion.before.notebooks, promotion.after.notebooks),
    promotedAt: promotion.at,
  };
}

export interface ReconcileInput {
  db: CatalogDb;
  workspaceId: string;
  warehouse: Warehouse;
  notebooksDir: string;
  parser: SqlReferenceParser;
}

/** The catalog follows the warehouse: notebooks' and assets' production versions, assets from production's texts, the history. False before any promotion. */
export async function reconcileProduction(input: ReconcileInput): Promise<boolean> {
  const { db, workspaceId, warehouse } = input;
  if (!(await hasPromotedProduction(warehouse))) return false;
  const state = await servedState(warehouse, PRODUCTION);
  // The workspace file is promoted with the notebooks but is not one: the catalog lists notebooks.
  const notebooks = Object.fromEntries(Object.entries(state.notebooks).filter(([slug]) => slug !== WORKSPACE_FILE));
  await syncNotebookFiles(db, workspaceId, input.notebooksDir, input.parser, newSyncMemory(), notebooks);
  const history = await promotions(warehouse);
  const recorded = await recordProduction(db, workspaceId, { notebooks, assets: state.assets, promotions: history.map(catalogPromotion) });
  await recordPromotedMaterializations(db, workspaceId, warehouse, recorded, history);
  return true;
}

/** On start: the first one promotes the notebooks on disk (a racing start changes nothing), then the catalog is reconciled. */
export async function startProduction(input: ReconcileInput & { parser: SqlReferenceParser & SqlSyntax }): Promise<AdoptResult> {
  const { notebooks, workspace } = await readNotebookDir(input.notebooksDir);
  let adopted: AdoptResult;
  try {
    // The workspace file beside them is promoted with them.
    const texts = workspace === null || notebooks.length === 0 ? notebooks : [...notebooks, { slug: WORKSPACE_FILE, text: workspace }];
    adopted = await adoptNotebooks({ warehouse: input.warehouse, productionSchema: input.warehouse.schema, notebooks: texts, parser: input.parser });
  } catch (error) {
    // Two starts at once (team mode's workers): one promotion commits, the other conflicts on its id or guard.
    // Anything else (a view of the user's own over a production table on PostgreSQL, say) leaves production
    // as it was, unpromoted: the workers still start, and say why.
    const raced = error instanceof GuardError || (await hasPromotedProduction(input.warehouse));
    adopted = { adopted: false, reason: raced ? "another process promoted production first" : `the notebooks on disk could not be promoted: ${error instanceof Error ? error.message : String(error)}` };
  }
  await reconcileProduction(input);
  return adopted;
}
