import path from "node:path";
import { listNotebooks as listNotebookFiles, type NotebookSummary } from "@/lib/workspace/notebook-files";

export type { NotebookSummary };

// The notebooks are read at request time, not traced into the build output.
export const NOTEBOOKS_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "notebooks");

/** Lists `notebooks/*.md` (those whose name is a valid slug), sorted by title. */
export function listNotebooks(dir: string = NOTEBOOKS_DIR): Promise<NotebookSummary[]> {
  return listNotebookFiles(dir);
}
