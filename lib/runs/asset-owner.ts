// One asset, one producing notebook: a production table written by two notebooks would
// flip between their definitions. A notebook may take over an asset only once the notebook
// that produced it no longer declares it (the asset moved).
import { upsertAsset, type AssetInput, type CatalogDb } from "../catalog";
import { findAssetCell } from "../notebook";
import { parseNotebook } from "../notebook/parse";
import { neutralNotebookText } from "../partitions/neutral-text";

/** What a run writes to the asset's catalog row (the rest is the catalog sync's). */
export type RunAssetInput = Pick<AssetInput, "workspaceId" | "name" | "kind" | "cell"> & { notebookId: string | null };

/**
 * The asset's catalog row as the run writes it, or why `notebookId` may not write it.
 * One read when the row already says what the run would write (every run after the first).
 */
export async function claimAsset(db: CatalogDb, input: RunAssetInput): Promise<{ asset: { id: string } } | { conflict: string }> {
  const existing = await db.asset.findUnique({
    where: { workspaceId_name: { workspaceId: input.workspaceId, name: input.name } },
    select: { id: true, kind: true, notebookId: true, cell: true },
  });
  if (existing !== null && input.notebookId !== null && existing.notebookId !== null && existing.notebookId !== input.notebookId) {
    const producer = await declaringNotebook(db, existing.notebookId, input.name);
    if (producer !== null) return { conflict: `asset "${input.name}" is produced by notebook "${producer}"; rename one of the two cells` };
  }
  // upsertAsset writes only these; the sync's group, owners, tags and description stay.
  const unchanged = existing !== null && existing.kind === input.kind && existing.notebookId === input.notebookId && existing.cell === input.cell;
  if (unchanged) return { asset: { id: existing.id } };
  return { asset: await upsertAsset(db, { workspaceId: input.workspaceId, name: input.name, kind: input.kind, notebookId: input.notebookId, cell: input.cell }) };
}

/** The slug of notebook `notebookId` when its latest version declares `asset`, else null. */
async function declaringNotebook(db: CatalogDb, notebookId: string, asset: string): Promise<string | null> {
  const notebook = await db.notebook.findUnique({
    where: { id: notebookId },
    select: { slug: true, versions: { orderBy: { number: "desc" }, take: 1, select: { text: true } } },
  });
  const text = notebook?.versions[0]?.text;
  if (notebook === null || text === undefined) return null;
  const file = `${notebook.slug}.md`;
  const parsed = parseNotebook(neutralNotebookText(text, file), file);
  return parsed.notebook !== undefined && findAssetCell(parsed.notebook, asset) !== undefined ? notebook.slug : null;
}
