import { listNotebooks as listNotebookFiles, type NotebookSummary } from "@/lib/workspace/notebook-files";
import { appConfig } from "./_lib/config";

export type { NotebookSummary };

/** The notebooks directory the configuration names (ASSETBOOK_NOTEBOOKS_DIR, default `notebooks`). */
export function notebooksDir(): string {
  return appConfig().notebooksDir;
}

/** Lists the notebooks in the notebooks directory, sorted by title. */
export function listNotebooks(dir: string = notebooksDir()): Promise<NotebookSummary[]> {
  return listNotebookFiles(dir);
}
