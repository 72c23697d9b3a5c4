// Which freshness policy an asset has: its cell's own `freshness`, else the front matter's.
import { freshnessSchema } from "./schemas/common";
import type { AssetCell, FreshnessPolicy, Notebook } from "./types";

/** The asset's policy (lags in seconds), or undefined when it has none. Both were validated by the parser. */
export function freshnessPolicyOf(notebook: Pick<Notebook, "frontMatter">, cell: AssetCell): FreshnessPolicy | undefined {
  const own = freshnessSchema.safeParse(cell.config.freshness);
  if (own.success) return own.data;
  const notebookWide = freshnessSchema.safeParse(notebook.frontMatter.freshness);
  return notebookWide.success ? notebookWide.data : undefined;
}
