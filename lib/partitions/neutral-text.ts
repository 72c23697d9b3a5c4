// The notebook text as its graph is built: `{{ partition.* }}` is not SQL, so placeholders
// get neutral values of the notebook's own partition dimensions (what a run plans with).
// For readers that only need the structure (lineage, schedules, refresh triggers).
import { parseNotebook } from "../notebook/parse";
import { substituteNotebookText } from "./values";
import { neutralWindow, notebookPartitions } from "./windows";

export function neutralNotebookText(text: string, file: string): string {
  // A wrong `partitions:` is reported where the notebook is checked or run.
  const def = notebookPartitions(parseNotebook(text, file).notebook?.frontMatter ?? {});
  return substituteNotebookText(text, file, neutralWindow(def)).text;
}
