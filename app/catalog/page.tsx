import { roleAtLeast } from "@/lib/auth";
import { FRESHNESS } from "@/lib/catalog/freshness";
import { CELL_KINDS } from "@/lib/notebook/types";
import { catalogQuerySchema, loadCatalog } from "@/app/_lib/catalog-data";
import { requireMember } from "@/app/_lib/page-session";
import { NotebookProblems } from "./_components/NotebookProblems";
import { ShareButton } from "./_components/ShareButton";
import { CatalogBody } from "./_components/views";
import "./catalog.css";
import { FilterSelect } from "@/app/components/FilterSelect";
import { withQuery } from "@/app/components/Pager";

export const metadata = { title: "Catalog · Assetbook" };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { principal } = await requireMember("viewer", "/catalog");
  const query = catalogQuerySchema.parse(await searchParams);
  const page = await loadCatalog(query);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Catalog</h1>
        {roleAtLeast(principal.role, "editor") ? <ShareButton target="catalog" /> : null}
      </div>
      <form className="filters" method="get" role="search">
        <label>
          Search
          <input name="q" defaultValue={query.q ?? ""} placeholder="name or description" />
        </label>
        <FilterSelect label="Kind" name="kind" value={query.kind} options={CELL_KINDS} />
        <FilterSelect label="Group" name="group" value={query.group} options={page.groups} />
        <FilterSelect label="Owner" name="owner" value={query.owner} options={page.owners} />
        <FilterSelect label="Tag" name="tag" value={query.tag} options={page.tags} />
        <FilterSelect label="Freshness" name="freshness" value={query.freshness} options={FRESHNESS} />
        <button className="btn" type="submit">
          Filter
        </button>
      </form>
      <NotebookProblems problems={page.notebookProblems} />
      <CatalogBody page={page} linkAssets hrefFor={(n) => withQuery("/catalog", { ...query, page: n === 1 ? undefined : n })} />
    </div>
  );
}
