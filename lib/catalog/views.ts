// What the catalog, asset and lineage pages show, read from the store in a few queries.
import { AssetKind as ASSET_KIND_ENUM, MaterializationStatus as MATERIALIZATION_STATUS_ENUM, type AssetKind } from "./generated/enums";
import { assetWhere, type AssetFilters } from "./assets";
import { checkStateOf, freshnessOf, type CheckState, type Freshness } from "./freshness";
import { z } from "zod";
import { assetHistory, type MaterializationView } from "./materializations";
import { assetFreshness, type FreshnessEventView, type FreshnessView } from "./freshness-states";
import { FRESHNESS_STATES } from "../schedule/freshness";
import type { CatalogDb } from "./store";

export interface CatalogRow {
  name: string;
  /** The schema it is placed in (null: the warehouse's own). */
  schema: string | null;
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
  /** The rows of page `page` (1-based), at most `pageSize` of them. */
  rows: CatalogRow[];
  /** All matching assets, across the pages. */
  total: number;
  page: number;
  pageSize: number;
  groups: string[];
  owners: string[];
  tags: string[];
}

const PRODUCTION = "production";

const ASSET_KINDS = Object.values(ASSET_KIND_ENUM);
const MATERIALIZATION_STATUSES = Object.values(MATERIALIZATION_STATUS_ENUM);

const assetSummaryRow = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(ASSET_KINDS),
  group: z.string().nullable(),
  owners: z.array(z.string()),
  tags: z.array(z.string()),
  description: z.string().nullable(),
  schema: z.string().nullable(),
  upstream: z.array(z.string()),
  status: z.enum(MATERIALIZATION_STATUSES).nullable(),
  rows: z.union([z.bigint(), z.number()]).nullable(),
  checks: z.array(z.object({ passed: z.boolean(), severity: z.enum(["error", "warn"]) }).loose()).nullable(),
  createdAt: z.date().nullable(),
  policyState: z.enum(FRESHNESS_STATES).nullable(),
});
type AssetSummary = z.infer<typeof assetSummaryRow>;

/** Every asset of the workspace with its last production materialization: one query, each
 * asset's latest row found through the (assetId, environment, createdAt DESC) index. */
async function assetSummaries(db: CatalogDb, workspaceId: string): Promise<AssetSummary[]> {
  const rows = await db.$queryRaw`
    SELECT a.id, a.name, a.kind::text AS kind, a."group", a.owners, a.tags, a.description, a.schema, a.upstream,
           m.status::text AS status, m.rows, m.checks, m."createdAt", f.state AS "policyState"
    FROM assets a
    LEFT JOIN asset_freshness f ON f."assetId" = a.id
    LEFT JOIN LATERAL (
      SELECT status, rows, checks, "createdAt" FROM materializations
      WHERE "assetId" = a.id AND environment = ${PRODUCTION}
      ORDER BY "createdAt" DESC LIMIT 1
    ) m ON true
    WHERE a."workspaceId" = ${workspaceId}
    ORDER BY a.name`;
  return z.array(assetSummaryRow).parse(rows);
}

const hasAssetFilters = (f: AssetFilters) => Boolean(f.kind || f.group || f.owner || f.tag || f.search?.trim());

/** Rows on one catalog page: a table of a thousand rows took a second to draw. */
export const CATALOG_PAGE_SIZE = 100;

/** One page of the catalog (`page` from 1; past the last, the last page). */
export async function catalogPage(db: CatalogDb, workspaceId: string, filters: CatalogFilters, now: Date, { page = 1, pageSize = CATALOG_PAGE_SIZE } = {}): Promise<CatalogPage> {
  const summaries = await assetSummaries(db, workspaceId);
  // The filters' one definition is assetWhere(): ask the store which assets match only when there are filters.
  const matchingIds = hasAssetFilters(filters)
    ? new Set((await db.asset.findMany({ where: assetWhere(workspaceId, filters), select: { id: true } })).map((a) => a.id))
    : null;
  const matching: CatalogRow[] = [];
  for (const a of summaries) {
    if (matchingIds !== null && !matchingIds.has(a.id)) continue;
    const last = a.status === null || a.createdAt === null ? null : { status: a.status, createdAt: a.createdAt };
    const freshness = freshnessOf(last, now, a.policyState);
    if (filters.freshness && freshness !== filters.freshness) continue;
    matching.push({
      name: a.name,
      schema: a.schema,
      kind: a.kind,
      group: a.group,
      owners: a.owners,
      tags: a.tags,
      description: a.description,
      freshness,
      checks: last === null ? "none" : checkStateOf(a.checks ?? []),
      rows: a.rows === null ? null : Number(a.rows),
      lastAt: a.createdAt,
    });
  }
  const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
  const lastPage = Math.max(1, Math.ceil(matching.length / pageSize));
  const shown = Math.min(Math.max(1, Math.floor(page)), lastPage);
  return {
    rows: matching.slice((shown - 1) * pageSize, shown * pageSize),
    total: matching.length,
    page: shown,
    pageSize,
    groups: sorted(summaries.flatMap((f) => (f.group ? [f.group] : []))),
    owners: sorted(summaries.flatMap((f) => f.owners)),
    tags: sorted(summaries.flatMap((f) => f.tags)),
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
  const assets = await assetSummaries(db, workspaceId);
  const names = new Set(assets.map((a) => a.name));
  return {
    nodes: assets.map((a) => {
      const last = a.status === null || a.createdAt === null ? null : { status: a.status, createdAt: a.createdAt };
      return { name: a.name, kind: a.kind, freshness: freshnessOf(last, now, a.policyState), checks: last === null ? "none" : checkStateOf(a.checks ?? []) };
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
  /** The schema it is placed in (null: the warehouse's own). */
  schema: string | null;
  notebookSlug: string | null;
  cell: string;
  freshness: Freshness;
  /** Its freshness policy's state and history; null without a policy (or before the scheduler evaluated it). */
  policy: { current: FreshnessView; history: FreshnessEventView[] } | null;
  last: MaterializationView | null;
  history: MaterializationView[];
  upstream: string[];
  downstream: string[];
  /** Production's text of the owning notebook once promoted, else its latest version's (the page finds the cell in it). */
  notebookText: string | null;
  /** The version production serves (the lifecycle's fingerprint); null before a promotion, or when a promotion retired the asset. */
  productionVersion: string | null;
}

export async function assetDetail(db: CatalogDb, workspaceId: string, name: string, now: Date): Promise<AssetDetail | null> {
  const asset = await db.asset.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    include: { notebook: { select: { slug: true, productionVersion: { select: { text: true } }, versions: { orderBy: { number: "desc" }, take: 1, select: { text: true } } } } },
  });
  if (!asset) return null;
  const history = await assetHistory(db, asset.id, { environment: PRODUCTION, limit: 50 });
  const downstream = await db.asset.findMany({ where: { workspaceId, upstream: { has: asset.name } }, orderBy: { name: "asc" }, select: { name: true } });
  const last = history[0] ?? null;
  const policy = await assetFreshness(db, asset.id);
  return {
    id: asset.id,
    name: asset.name,
    kind: asset.kind,
    group: asset.group,
    owners: asset.owners,
    tags: asset.tags,
    description: asset.description,
    schema: asset.schema,
    notebookSlug: asset.notebook?.slug ?? null,
    cell: asset.cell,
    freshness: freshnessOf(last, now, policy?.current.state ?? null),
    policy,
    last,
    history,
    upstream: asset.upstream,
    downstream: downstream.map((d) => d.name),
    notebookText: asset.notebook?.productionVersion?.text ?? asset.notebook?.versions[0]?.text ?? null,
    productionVersion: asset.productionVersion,
  };
}
