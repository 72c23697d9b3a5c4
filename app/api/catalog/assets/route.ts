// GET: the catalog as JSON, with the same filters as the /catalog page.
import { route } from "@/app/_lib/route";
import { catalogQuerySchema, loadCatalog } from "@/app/_lib/catalog-data";

export const GET = route({ query: catalogQuerySchema }, async ({ query }) => {
  const rows = await loadCatalog(query);
  return { assets: rows };
});
