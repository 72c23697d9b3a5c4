import { notFound } from "next/navigation";
import { declaredParams } from "@/lib/notebook/declared-params";
import { z } from "zod";
import { roleAtLeast } from "@/lib/auth";
import { loadAsset, loadPartitionKeys, loadSample } from "@/app/_lib/catalog-data";
import { requireMember } from "@/app/_lib/page-session";
import { RunButton } from "@/app/runs/_components/RunButton";
import { AssetView } from "../_components/AssetView";
import { PartitionsPanel } from "../_components/PartitionsPanel";
import { ShareButton } from "../_components/ShareButton";
import { productionSourceOf } from "@/lib/reviews/store";
import { appContext } from "@/app/_lib/server-context";
import Link from "next/link";
import "../catalog.css";

const params = z.object({ asset: z.string().min(1).max(200) });

export default async function AssetPage(props: { params: Promise<{ asset: string }> }) {
  const { asset: name } = params.parse(await props.params);
  const decoded = decodeURIComponent(name);
  const { principal } = await requireMember("viewer", `/catalog/${name}`);
  const asset = await loadAsset(decoded);
  if (!asset) notFound();
  const sample = await loadSample(asset.name);
  const partitionKeys = asset.notebookSlug ? await loadPartitionKeys(asset.notebookSlug) : null;
  const canRun = roleAtLeast(principal.role, "editor");
  const { db, workspaceId } = await appContext();
  const source = await productionSourceOf(db, workspaceId, asset.name);
  return (
    <>
      <div className="wide">
        <div className="page-head">
          <h1>{asset.name}</h1>
        </div>
        {asset.description ? <p className="lede">{asset.description}</p> : null}
        {source && (source.review || source.commit) ? (
          <p className="muted" data-testid="asset-review">
            Production version from{" "}
            {source.review ? (
              <Link href={`/reviews/${source.review.number}`}>
                review #{source.review.number} {source.review.title}
              </Link>
            ) : (
              "the branch production follows"
            )}
            {source.commit ? (
              <>
                , commit <code data-testid="asset-commit" title={source.commit}>{source.commit.slice(0, 12)}</code>
              </>
            ) : null}{" "}
            ({source.promotedAt.toISOString().slice(0, 10)})
          </p>
        ) : null}
        {canRun ? (
          <div className="form-row">
            <ShareButton target="asset" asset={asset.name} />
            {asset.notebookSlug ? <RunButton notebook={asset.notebookSlug} asset={asset.name} params={declaredParams(asset.notebookText)} {...(partitionKeys ? { partitionKeys: partitionKeys.slice(-400) } : {})} /> : null}
          </div>
        ) : null}
      </div>
      <AssetView
        asset={asset}
        samples={{ state: "shown", sample }}
        linkAssets
        {...(partitionKeys && asset.notebookSlug ? { partitionsPanel: <PartitionsPanel notebook={asset.notebookSlug} asset={asset.name} canRun={canRun} /> } : {})}
      />
    </>
  );
}
