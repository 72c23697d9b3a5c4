// The code of the cell that produces an asset, from its notebook's latest version.
import { findAssetCell } from "../notebook";
import { parseNotebook } from "../notebook/parse";

export interface CellSource {
  /** The fence as written, e.g. ```sql daily_distance … ``` */
  code: string;
  line: number;
  declaredChecks: number;
}

export function cellSource(notebookText: string, cell: string): CellSource | null {
  const parsed = parseNotebook(notebookText, "notebook.md");
  if (!parsed.notebook) return null;
  const found = findAssetCell(parsed.notebook, cell);
  if (!found) return null;
  const info = `${found.kind} ${found.name}${found.infoRest ? ` ${found.infoRest}` : ""}`;
  return { code: `\`\`\`${info}\n${found.body}${found.body.endsWith("\n") ? "" : "\n"}\`\`\``, line: found.line, declaredChecks: found.checks.length };
}
