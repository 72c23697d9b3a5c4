import { roleAtLeast } from "@/lib/auth";
import { FRESHNESS } from "@/lib/catalog/freshness";
import { catalogQuerySchema, loadCatalog } from "@/app/_lib/catalog-data";
import { requireMember } from "@/app/_lib/page-session";
import { CatalogNav } from "./_components/Nav";
import { ShareButton } from "./_components/ShareButton";
import { CatalogBody } from "./_components/views";
import "./catalog.css";

export const metadata = { title: "Catalog · Assetbook" };

export default async function CatalogPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { principal } = await requireMember("viewer", "/catalog");
  const query = catalogQuerySchema.parse(await searchParams);
  const page = await loadCatalog(query);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Catalog</h1>
        <CatalogNav principal={principal} />
      </div>
      {roleAtLeast(principal.role, "editor") ? <ShareButton target="catalog" /> : null}
      <form className="filters" method="get" role="search">
        <label>
          Search
          <input name="q" defaultValue={query.q ?? ""} placeholder="name or description" />
        </label>
        <label>
          Kind
          <select name="kind" defaultValue={query.kind ?? ""}>
            <option value="">any</option>
            {["extract", "sql", "ml", "chart"].map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        <label>
          Group
          <select name="group" defaultValue={query.group ?? ""}>
            <option value="">any</option>
            {page.groups.map((g) => (
              <option key={g}>{g}</option>
            ))}
          </select>
        </label>
        <label>
          Owner
          <select name="owner" defaultValue={query.owner ?? ""}>
            <option value="">any</option>
            {page.owners.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
        </label>
        <label>
          Tag
          <select name="tag" defaultValue={query.tag ?? ""}>
            <option value="">any</option>
            {page.tags.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label>
          Freshness
          <select name="freshness" defaultValue={query.freshness ?? ""}>
            <option value="">any</option>
            {FRESHNESS.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <button className="btn" type="submit">
          Filter
        </button>
      </form>
      <CatalogBody page={page} linkAssets />
    </div>
  );
}
