// The key a data diff matches rows by, when none is given: an extract's `primary_key`, else
// the columns of the asset's `unique(...)` check.
import { z } from "zod";
import { parseNotebook } from "../notebook";

const primaryKey = z.union([z.string(), z.array(z.string())]);

export function diffKeyOf(notebooks: Readonly<Record<string, string>>, asset: string): string[] {
  for (const [slug, text] of Object.entries(notebooks)) {
    const parsed = parseNotebook(text, `${slug}.md`);
    const cell = parsed.notebook?.cells.find((candidate) => candidate.type === "asset" && candidate.name.toLowerCase() === asset);
    if (!cell || cell.type !== "asset") continue;
    if (cell.kind === "extract") {
      const key = primaryKey.safeParse(cell.config.primary_key);
      if (key.success) return typeof key.data === "string" ? [key.data] : key.data;
    }
    const unique = cell.checks.find((check) => check.type === "unique" || check.type === "unique_combination_of_columns");
    return unique?.type === "unique" || unique?.type === "unique_combination_of_columns" ? unique.columns : [];
  }
  return [];
}
