// What the catalog, asset and lineage pages show, read from the store in a few queries.
import type { AssetKind } from "./generated/enums";
import { assetWhere, type AssetFilters } from "./assets";
import { checkStateOf, freshnessOf, type CheckState, type Freshness } from "./freshness";
import { assetHistory, toMaterializationView, type MaterializationView } from "./materializations";
import type { CatalogDb } from "./store";

export interface CatalogRow {
  name: string;
  kind: AssetKind;
  group: string | null;
  owners: string[];
  tags: string[];
  description: string | null;
  freshness: Freshness;
  checks: CheckState;
  rows: number | null;
  lastAt: Date | null;
}

export interface CatalogFilters extends AssetFilters {
  freshness?: Freshness;
}

export interface CatalogPage {
  rows: CatalogRow[];
  /** All matching assets, before `limit`. */
  total: number;
  groups: string[];
  owners: string[];
  tags: string[];
}

const PRODUCTION = "production";

/** The last production materialization of each asset, in one query (DISTINCT ON). */
async function lastMaterializations(db: CatalogDb, assetIds: string[]): Promise<Map<string, MaterializationView>> {
  if (assetIds.length === 0) return new Map();
  // DISTINCT ON in the database, served by the (assetId, environment, createdAt DESC)
  // index: Prisma's `distinct` would fetch every materialization and dedupe in JS.
  const latest = await db.$queryRaw<{ id: string }[]>`
    SELECT DISTINCT ON ("assetId") id FROM materializations
    WHERE "assetId" = ANY(${assetIds}::text[]) AND environment = ${PRODUCTION}
    ORDER BY "assetId", "createdAt" DESC`;
  const rows = await db.materialization.findMany({ where: { id: { in: latest.map((r) => r.id) } } });
  return new Map(rows.map((m) => [m.assetId, toMaterializationView(m)]));
}

export async function catalogPage(db: CatalogDb, workspaceId: string, filters: CatalogFilters, now: Date, limit = 500): Promise<CatalogPage> {
  const assets = await db.asset.findMany({
    where: assetWhere(workspaceId, filters),
    orderBy: { name: "asc" },
    select: { id: true, name: true, kind: true, group: true, owners: true, tags: true, description: true },
  });
  const last = await lastMaterializations(
    db,
    assets.map((a) => a.id),
  );
  const all = assets.map((a): CatalogRow => {
    const m = last.get(a.id) ?? null;
    return {
      name: a.name,
      kind: a.kind,
      group: a.group,
      owners: a.owners,
      tags: a.tags,
      description: a.description,
      freshness: freshnessOf(m, now),
      checks: m ? checkStateOf(m.checks) : "none",
      rows: m?.rows ?? null,
      lastAt: m?.createdAt ?? null,
    };
  });
  const matching = filters.freshness ? all.filter((r) => r.freshness === filters.freshness) : all;
  const facets = await db.asset.findMany({ where: { workspaceId }, select: { group: true, owners: true, tags: true } });
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  return {
    rows: matching.slice(0, limit),
    total: matching.length,
    groups: sorted(facets.flatMap((f) => (f.group ? [f.group] : []))),
    owners: sorted(facets.flatMap((f) => f.owners)),
    tags: sorted(facets.flatMap((f) => f.tags)),
  };
}

export interface LineageNode {
  name: string;
  kind: AssetKind;
  freshness: Freshness;
  checks: CheckState;
}

export interface WorkspaceLineage {
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

/** The whole workspace graph: every asset, and an edge for each upstream that is an asset too. */
export async function workspaceLineage(db: CatalogDb, workspaceId: string, now: Date): Promise<WorkspaceLineage> {
  const assets = await db.asset.findMany({ where: { workspaceId }, orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, upstream: true } });
  const last = await lastMaterializations(
    db,
    assets.map((a) => a.id),
  );
  const names = new Set(assets.map((a) => a.name));
  return {
    nodes: assets.map((a) => {
      const m = last.get(a.id) ?? null;
      return { name: a.name, kind: a.kind, freshness: freshnessOf(m, now), checks: m ? checkStateOf(m.checks) : "none" };
    }),
    edges: assets.flatMap((a) => a.upstream.filter((u) => names.has(u)).map((from) => ({ from, to: a.name }))),
  };
}

export interface AssetDetail {
  id: string;
  name: string;
  kind: AssetKind;
  group: string | null;
  owners: string[];
  tags: string[];
  description: string | null;
  notebookSlug: string | null;
  cell: string;
  freshness: Freshness;
  last: MaterializationView | null;
  history: MaterializationView[];
  upstream: string[];
  downstream: string[];
  /** The latest version's text of the owning notebook (the page finds the cell in it). */
  notebookText: string | null;
}

export async function assetDetail(db: CatalogDb, workspaceId: string, name: string, now: Date): Promise<AssetDetail | null> {
  const asset = await db.asset.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    include: { notebook: { select: { slug: true, versions: { orderBy: { number: "desc" }, take: 1, select: { text: true } } } } },
  });
  if (!asset) return null;
  const history = await assetHistory(db, asset.id, { environment: PRODUCTION, limit: 50 });
  const downstream = await db.asset.findMany({ where: { workspaceId, upstream: { has: asset.name } }, orderBy: { name: "asc" }, select: { name: true } });
  const last = history[0] ?? null;
  return {
    id: asset.id,
    name: asset.name,
    kind: asset.kind,
    group: asset.group,
    owners: asset.owners,
    tags: asset.tags,
    description: asset.description,
    notebookSlug: asset.notebook?.slug ?? null,
    cell: asset.cell,
    freshness: freshnessOf(last, now),
    last,
    history,
    upstream: asset.upstream,
    downstream: downstream.map((d) => d.name),
    notebookText: asset.notebook?.versions[0]?.text ?? null,
  };
}
