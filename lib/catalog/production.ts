// What production serves, as the catalog records it: each notebook's production version, each
// asset's production version and the promotions. The warehouse decides (lib/lifecycle); the
// catalog follows it (recordProduction) after every promotion and on every start, so runs
// triggered without a warehouse at hand (the app in team mode) still run production's texts.
import type { CatalogDb } from "./store";
import { versionWithText } from "./notebooks";
import { isUniqueViolation } from "./unique";

export interface ProductionPromotion {
  id: string;
  seq: number;
  env: string;
  planHash: string;
  changed: string[];
  notebooks: string[];
  promotedAt: Date;
}

export interface ProductionRecord {
  /** slug → the text production runs. */
  notebooks: Record<string, string>;
  /** asset → the version production serves. */
  assets: Record<string, string>;
  promotions: ProductionPromotion[];
}

/** Whether production changes only by promotion here (it has been promoted at least once). */
export async function isPromoted(db: CatalogDb, workspaceId: string): Promise<boolean> {
  return (await db.promotion.findFirst({ where: { workspaceId }, select: { id: true } })) !== null;
}

/** The version of `slug` production runs: null when the notebook is not in production. */
export async function productionVersion(db: CatalogDb, workspaceId: string, slug: string): Promise<{ id: string; notebookId: string; text: string } | null> {
  const notebook = await db.notebook.findUnique({ where: { workspaceId_slug: { workspaceId, slug } }, select: { productionVersion: { select: { id: true, notebookId: true, text: true } } } });
  return notebook?.productionVersion ?? null;
}

/**
 * Brings the catalog in line with what the warehouse says production serves. Idempotent.
 * Returns the promotions this call recorded (two reconciles at once record each one once).
 */
export async function recordProduction(db: CatalogDb, workspaceId: string, record: ProductionRecord): Promise<ProductionPromotion[]> {
  const pointers = new Map<string, string>();
  for (const [slug, text] of Object.entries(record.notebooks)) {
    const version = await versionWithText(db, workspaceId, slug, text);
    pointers.set(version.notebookId, version.id);
  }
  const notebooks = await db.notebook.findMany({ where: { workspaceId }, select: { id: true, productionVersionId: true } });
  for (const notebook of notebooks) {
    const wanted = pointers.get(notebook.id) ?? null;
    if (notebook.productionVersionId !== wanted) await db.notebook.update({ where: { id: notebook.id }, data: { productionVersionId: wanted } });
  }
  const assets = await db.asset.findMany({ where: { workspaceId }, select: { id: true, name: true, productionVersion: true } });
  for (const asset of assets) {
    const wanted = record.assets[asset.name] ?? null;
    if (asset.productionVersion !== wanted) await db.asset.update({ where: { id: asset.id }, data: { productionVersion: wanted } });
  }
  // Two reconciles at once (a worker starting while the app promotes) insert the same rows: the second skips them.
  const known = new Set((await db.promotion.findMany({ where: { workspaceId }, select: { id: true } })).map((promotion) => promotion.id));
  const recorded: ProductionPromotion[] = [];
  for (const promotion of record.promotions.filter((candidate) => !known.has(candidate.id)).sort((a, b) => a.seq - b.seq)) {
    try {
      await db.promotion.create({ data: { ...promotion, workspaceId } });
      recorded.push(promotion);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return recorded;
}

export async function listPromotions(db: CatalogDb, workspaceId: string, take = 50): Promise<ProductionPromotion[]> {
  return db.promotion.findMany({ where: { workspaceId }, orderBy: { seq: "desc" }, take, select: { id: true, seq: true, env: true, planHash: true, changed: true, notebooks: true, promotedAt: true } });
}

/** slug → production's text, or null before the first promotion. */
export async function productionTexts(db: CatalogDb, workspaceId: string): Promise<Record<string, string> | null> {
  if (!(await isPromoted(db, workspaceId))) return null;
  const notebooks = await db.notebook.findMany({ where: { workspaceId, productionVersionId: { not: null } }, select: { slug: true, productionVersion: { select: { text: true } } } });
  return Object.fromEntries(notebooks.flatMap((nb) => (nb.productionVersion ? [[nb.slug, nb.productionVersion.text]] : [])));
}
