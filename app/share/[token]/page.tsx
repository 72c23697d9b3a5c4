// A shared page: one catalog, lineage, asset or review page, read-only, for anyone holding
// the link. Unknown, revoked or expired links are 404 on the very next request. No
// edit controls, no code execution, samples only when the link allows them.
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { z } from "zod";
import { verifyShareLink } from "@/lib/catalog";
import { assetDetail, catalogPage, workspaceLineage } from "@/lib/catalog/views";
import { loadSample, pageNumber } from "@/app/_lib/catalog-data";
import { appContext } from "@/app/_lib/server-context";
import { AssetView, type Samples } from "@/app/catalog/_components/AssetView";
import { CatalogBody, LineageBody } from "@/app/catalog/_components/views";
import { withQuery } from "@/app/components/Pager";
import { reviewView } from "@/lib/reviews/view";
import { withReviews } from "@/app/_lib/review-data";
import { READ_ONLY, ReviewBody } from "@/app/reviews/_components/ReviewBody";
import "@/app/catalog/catalog.css";
import "@/app/runs/runs.css";
import "@/app/components/lifecycle.css";
import "@/app/reviews/reviews.css";

export const metadata = { title: "Shared · Assetbook", referrer: "no-referrer", robots: { index: false, follow: false } };

const params = z.object({ token: z.string().max(100) });

function Banner() {
  return (
    <p className="readonly-banner wide" data-testid="readonly-banner">
      Read-only view shared from Assetbook.
    </p>
  );
}

const pageParam = z.object({ page: pageNumber });

export default async function SharedPage(props: { params: Promise<{ token: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const { token } = params.parse(await props.params);
  const { db, workspaceId } = await appContext();
  const link = await verifyShareLink(db, token);
  if (!link || link.workspaceId !== workspaceId) notFound();
  const now = new Date();
  switch (link.target.type) {
    case "catalog": {
      const page = await catalogPage(db, workspaceId, {}, now, pageParam.parse(await props.searchParams));
      return (
        <>
          <Banner />
          <div className="wide">
            <div className="page-head">
              <h1>Catalog</h1>
            </div>
            <CatalogBody page={page} linkAssets={false} hrefFor={(n) => withQuery(`/share/${encodeURIComponent(token)}`, { page: n === 1 ? undefined : n })} />
          </div>
        </>
      );
    }
    case "lineage": {
      const lineage = await workspaceLineage(db, workspaceId, now);
      return (
        <>
          <Banner />
          <div className="wide">
            <div className="page-head">
              <h1>Lineage</h1>
            </div>
          </div>
          <LineageBody lineage={lineage} linkAssets={false} />
        </>
      );
    }
    case "asset": {
      const { assetId } = link.target;
      const row = await db.asset.findUnique({ where: { id: assetId }, select: { name: true } });
      const asset = row ? await assetDetail(db, workspaceId, row.name, now) : null;
      if (!asset) notFound();
      const samples: Samples = link.allowSamples ? { state: "shown", sample: await loadSample(asset.name) } : { state: "hidden" };
      return (
        <>
          <Banner />
          <div className="wide">
            <div className="page-head">
              <h1>{asset.name}</h1>
            </div>
          </div>
          <AssetView asset={asset} samples={samples} linkAssets={false} />
        </>
      );
    }
    case "review": {
      const { reviewId } = link.target;
      const row = await db.review.findFirst({ where: { id: reviewId, workspaceId }, select: { number: true } });
      const view = row === null ? null : await withReviews((deps) => reviewView(deps, row.number));
      if (view === null) notFound();
      return (
        <>
          <Banner />
          <div className="wide">
            <div className="page-head">
              <h1>
                Review #{view.review.number} {view.review.title}
              </h1>
            </div>
            <ReviewBody view={view} access={{ ...READ_ONLY, samples: link.allowSamples }} />
          </div>
        </>
      );
    }
    default: {
      const unreachable: never = link.target;
      throw new Error(`unknown share target ${JSON.stringify(unreachable)}`);
    }
  }
}
