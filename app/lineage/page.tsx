import { roleAtLeast } from "@/lib/auth";
import { loadLineage } from "@/app/_lib/catalog-data";
import { requireMember } from "@/app/_lib/page-session";
import { ShareButton } from "../catalog/_components/ShareButton";
import { LineageBody } from "../catalog/_components/views";
import "../catalog/catalog.css";

export const metadata = { title: "Lineage · Assetbook" };

export default async function LineagePage() {
  const { principal } = await requireMember("viewer", "/lineage");
  const lineage = await loadLineage();
  return (
    <>
      <div className="wide">
        <div className="page-head">
          <h1>Lineage</h1>
          {roleAtLeast(principal.role, "editor") ? <ShareButton target="lineage" /> : null}
        </div>
      </div>
      <LineageBody lineage={lineage} linkAssets />
    </>
  );
}
