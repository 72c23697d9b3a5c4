// What selectors other than a name (`tag:`, `owner:`, `notebook:`, `path:`) match, read
// from notebooks: one notebook for a run, every notebook of the project for a plan.
import { runKeysOf } from "../notebook";
import type { Notebook } from "../notebook/types";
import type { SelectableAsset, SelectableOf } from "./plan";

/**
 * What `tag:`, `owner:`, `notebook:` and `path:` selectors match in one notebook: a cell's
 * tags with the notebook's, the notebook's owners, its slug and its file.
 */
export function selectableOf(notebook: Notebook): SelectableOf {
  const byName = selectableAssets(notebook);
  return (name) => byName.get(name.toLowerCase());
}

/** Each asset cell's attributes, by lower-case name. */
export function selectableAssets(notebook: Notebook): Map<string, SelectableAsset> {
  const file = notebook.file.replaceAll("\\", "/");
  const slug = (file.split("/").pop() ?? file).replace(/\.md$/i, "");
  const owners = notebook.frontMatter.owners ?? [];
  const notebookTags = notebook.frontMatter.tags ?? [];
  const byName = new Map<string, SelectableAsset>();
  for (const cell of notebook.cells) {
    if (cell.type !== "asset") continue;
    const tags = [...new Set([...notebookTags, ...(runKeysOf(cell.config).tags ?? [])])];
    byName.set(cell.name.toLowerCase(), { tags, owners, notebook: slug, path: file });
  }
  return byName;
}

