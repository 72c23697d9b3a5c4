// Page bodies shared by the signed-in pages and the shared (read-only) pages.
import type { CatalogPage, WorkspaceLineage } from "@/lib/catalog/views";
import { CatalogTable } from "./CatalogTable";
import { LineageView } from "./LineageView";
import { freshnessState } from "./status";

export function lineageProps(lineage: WorkspaceLineage) {
  return {
    nodes: lineage.nodes.map((n) => ({ id: n.name, kind: n.kind, state: freshnessState(n.freshness, n.checks) })),
    edges: lineage.edges,
  };
}

export function LineageBody({ lineage, linkAssets }: { lineage: WorkspaceLineage; linkAssets: boolean }) {
  return (
    <div className="wide">
      {lineage.nodes.length === 0 ? <p className="empty">No assets yet.</p> : <LineageView {...lineageProps(lineage)} linkAssets={linkAssets} />}
      <p className="muted">
        {lineage.nodes.length} assets, {lineage.edges.length} edges. Colours: green fresh, amber stale, red failed run or check, grey never materialized.
      </p>
    </div>
  );
}

export function CatalogBody({ page, linkAssets }: { page: CatalogPage; linkAssets: boolean }) {
  return (
    <>
      <CatalogTable rows={page.rows} linkAssets={linkAssets} />
      <p className="muted">
        {page.rows.length < page.total ? `First ${page.rows.length} of ${page.total} assets.` : `${page.total} assets.`}
      </p>
    </>
  );
}
