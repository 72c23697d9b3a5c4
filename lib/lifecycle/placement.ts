// Which schema each asset of a served state is placed in, read from its notebook texts (the
// schema is part of an asset's definition, so a version is always served in one schema).
import { parseNotebook } from "../notebook/parse";
import { assetSchemaOf } from "../notebook/placement";
import { WORKSPACE_FILE } from "../notebook/workspace-file";

/** asset (lower case) → the schema it is placed in; assets in the warehouse's own schema are absent. */
export function placementOf(notebooks: Readonly<Record<string, string>>): Map<string, string> {
  const placed = new Map<string, string>();
  for (const [slug, text] of Object.entries(notebooks)) {
    if (slug === WORKSPACE_FILE) continue;
    const notebook = parseNotebook(text, `${slug}.md`).notebook;
    for (const cell of notebook?.cells ?? []) {
      if (cell.type !== "asset") continue;
      const schema = assetSchemaOf(cell, notebook?.frontMatter ?? {});
      if (schema !== undefined) placed.set(cell.name.toLowerCase(), schema);
    }
  }
  return placed;
}
