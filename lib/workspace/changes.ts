// What a working copy changes against production's text, cell by cell (asset cells by name,
// their kind and body as written; the front matter as a whole). Pure and safe in the
// browser: the editor's header counts it live as cells are edited.
import { parseNotebook } from "../notebook/parse";

export interface CellChanges {
  added: string[];
  removed: string[];
  changed: string[];
  /** The front matter (title, schedule, externals…) differs. */
  frontMatter: boolean;
}

/** Asset cells by name, and the front matter; null when the text does not parse. */
function cellsOf(text: string): { cells: Map<string, string>; frontMatter: string } | null {
  const result = parseNotebook(text, "notebook.md");
  if (!result.ok) return null;
  const parsed = result.notebook;
  const cells = new Map<string, string>();
  for (const cell of parsed.cells) if (cell.type === "asset") cells.set(cell.name, `${cell.kind} ${cell.infoRest}\n${cell.body.trim()}`);
  return { cells, frontMatter: JSON.stringify(parsed.frontMatter) };
}

/** The changes from `production` (null: not in production) to `working`; null when the working copy does not parse. */
export function cellChanges(production: string | null, working: string): CellChanges | null {
  const after = cellsOf(working);
  if (after === null) return null;
  const before = production === null ? { cells: new Map<string, string>(), frontMatter: after.frontMatter } : (cellsOf(production) ?? { cells: new Map<string, string>(), frontMatter: "" });
  const added = [...after.cells.keys()].filter((name) => !before.cells.has(name));
  const removed = [...before.cells.keys()].filter((name) => !after.cells.has(name));
  const changed = [...after.cells.keys()].filter((name) => before.cells.has(name) && before.cells.get(name) !== after.cells.get(name));
  return { added, removed, changed, frontMatter: production !== null && before.frontMatter !== after.frontMatter };
}

/** "3 cells changed since production", "in production", "not in production yet". */
export function describeChanges(changes: CellChanges | null, inProduction: boolean): string {
  if (!inProduction) return "Not in production yet";
  if (changes === null) return "Does not parse: not comparable with production";
  const cells = changes.added.length + changes.removed.length + changes.changed.length;
  if (cells === 0 && !changes.frontMatter) return "Same as production";
  const parts = [cells > 0 ? `${cells} cell${cells === 1 ? "" : "s"}` : null, changes.frontMatter ? "settings" : null].filter((part) => part !== null);
  return `${parts.join(" and ")} changed since production`;
}
