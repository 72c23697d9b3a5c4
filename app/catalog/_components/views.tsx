// Page bodies shared by the signed-in pages and the shared (read-only) pages.
import type { CatalogPage, WorkspaceLineage } from "@/lib/catalog/views";
import { cachedLayout } from "@/app/_lib/graph-layout-cache";
import { Pager } from "@/app/components/Pager";
import { CatalogTable } from "./CatalogTable";
import { LineageView } from "./LineageView";
import { freshnessState } from "./status";

export function lineageProps(lineage: WorkspaceLineage) {
  return {
    nodes: lineage.nodes.map((n) => ({ id: n.name, kind: n.kind, state: freshnessState(n.freshness, n.checks) })),
    edges: lineage.edges,
    // Laid out here, on the server, so the page arrives drawn.
    layout: cachedLayout(
      lineage.nodes.map((n) => n.name),
      lineage.edges,
    ),
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

/** The catalog's table and its pages; `hrefFor` links a page number (the filters kept). */
export function CatalogBody({ page, linkAssets, hrefFor }: { page: CatalogPage; linkAssets: boolean; hrefFor(page: number): string }) {
  const first = (page.page - 1) * page.pageSize + 1;
  const count = (n: number) => n.toLocaleString("en-US");
  const label =
    page.rows.length === page.total ? `${count(page.total)} ${page.total === 1 ? "asset" : "assets"}.` : `Assets ${count(first)}–${count(first + page.rows.length - 1)} of ${count(page.total)}.`;
  return (
    <>
      <CatalogTable rows={page.rows} linkAssets={linkAssets} />
      <Pager
        testId="catalog-pager"
        label={label}
        previous={page.page > 1 ? hrefFor(page.page - 1) : undefined}
        next={page.page * page.pageSize < page.total ? hrefFor(page.page + 1) : undefined}
      />
    </>
  );
}
