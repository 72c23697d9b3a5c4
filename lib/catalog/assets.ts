// Assets in the catalog: registered from notebook cells, listed with filters.
import { Prisma, type Asset, type AssetKind } from "./generated/client";
import type { FreshnessPolicy } from "../notebook/types";
import { toMaterializationView, type MaterializationView } from "./materializations";
import type { CatalogDb } from "./store";
import { retryOnUniqueViolation } from "./unique";

export interface AssetInput {
  workspaceId: string;
  name: string;
  kind: AssetKind;
  notebookId?: string | null;
  cell: string;
  group?: string | null;
  owners?: string[];
  tags?: string[];
  /** Assets this one reads; left unchanged when absent. */
  upstream?: string[];
  description?: string | null;
  /** The freshness policy (null: none); left unchanged when absent. */
  freshnessPolicy?: FreshnessPolicy | null;
  /** The schema it is placed in (null: the warehouse's own); left unchanged when absent. */
  schema?: string | null;
}

/** Creates the asset or updates it in place (the name is the identity within a workspace). */
export async function upsertAsset(db: CatalogDb, input: AssetInput): Promise<Asset> {
  // What the caller does not give is left as it is (a production run knows the asset's
  // kind and cell; the notebook sync also knows its group, owners and description).
  const given = {
    ...(input.group !== undefined ? { group: input.group } : {}),
    ...(input.owners !== undefined ? { owners: input.owners } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.upstream ? { upstream: input.upstream } : {}),
    ...(input.schema !== undefined ? { schema: input.schema } : {}),
    ...(input.freshnessPolicy !== undefined ? { freshnessPolicy: input.freshnessPolicy === null ? Prisma.DbNull : { ...input.freshnessPolicy } } : {}),
  };
  const fields = { kind: input.kind, notebookId: input.notebookId ?? null, cell: input.cell, ...given };
  return retryOnUniqueViolation(() =>
    db.asset.upsert({
      where: { workspaceId_name: { workspaceId: input.workspaceId, name: input.name } },
      create: { workspaceId: input.workspaceId, name: input.name, ...fields },
      update: fields,
    }),
  );
}

export interface AssetFilters {
  kind?: AssetKind;
  group?: string;
  owner?: string;
  tag?: string;
  /** Case-insensitive substring of the name, cell or description. */
  search?: string;
  /** Which environment's last materialization to return (default production). */
  environment?: string;
}

export interface AssetListItem extends Asset {
  lastMaterialization: MaterializationView | null;
}

export function assetWhere(workspaceId: string, filters: AssetFilters): Prisma.AssetWhereInput {
  const search = filters.search?.trim();
  return {
    workspaceId,
    ...(filters.kind ? { kind: filters.kind } : {}),
    ...(filters.group ? { group: filters.group } : {}),
    ...(filters.owner ? { owners: { has: filters.owner } } : {}),
    ...(filters.tag ? { tags: { has: filters.tag } } : {}),
    ...(search
      ? {
          OR: [
            { name: { contains: search, mode: "insensitive" } },
            { cell: { contains: search, mode: "insensitive" } },
            { description: { contains: search, mode: "insensitive" } },
          ],
        }
      : {}),
  };
}

export async function listAssets(db: CatalogDb, workspaceId: string, filters: AssetFilters = {}): Promise<AssetListItem[]> {
  const rows = await db.asset.findMany({
    where: assetWhere(workspaceId, filters),
    orderBy: { name: "asc" },
    include: {
      materializations: { where: { environment: filters.environment ?? "production" }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  return rows.map(({ materializations, ...asset }) => {
    const last = materializations[0];
    return { ...asset, lastMaterialization: last ? toMaterializationView(last) : null };
  });
}

export async function findAsset(db: CatalogDb, workspaceId: string, name: string): Promise<Asset | null> {
  return db.asset.findUnique({ where: { workspaceId_name: { workspaceId, name } } });
}
