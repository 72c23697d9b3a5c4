// The workspace a single-team deployment runs as: created on first use.
import type { Workspace } from "./generated/client";
import type { CatalogDb } from "./store";

export const DEFAULT_WORKSPACE_SLUG = "default";

export async function ensureWorkspace(db: CatalogDb, slug: string = DEFAULT_WORKSPACE_SLUG, name = "Workspace"): Promise<Workspace> {
  return db.workspace.upsert({ where: { slug }, create: { slug, name }, update: {} });
}
