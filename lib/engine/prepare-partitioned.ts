// How a run reads its notebook when partitions may be in it: `{{ partition.* }}` is not SQL,
// so the graph is planned with neutral values; a partition's run then gets its own values.
import { prepareNotebook, type PreparedNotebook } from "./prepare";
import type { SqlReferenceParser } from "../graph";
import { parseNotebook } from "../notebook/parse";
import type { Workspace } from "../notebook/workspace-file";
import { substituteNotebookText } from "../partitions/values";
import { neutralWindow, notebookPartitions, partitionWindow } from "../partitions/windows";

/**
 * Parses and plans a run's notebook: first with neutral values (what the graph is built
 * from), then, for a partition run, with the partition's SQL literals. A placeholder that
 * is not one is an issue at its file:line:col. No such partition: the plain notebook (the
 * caller reports it).
 */
export async function preparePartitioned(
  text: string,
  file: string,
  parser: SqlReferenceParser,
  partition: string | null,
  workspace?: Workspace,
  /** The run's parameters as text (absent: their defaults). */
  params?: Readonly<Record<string, string>>,
): Promise<PreparedNotebook> {
  // A wrong `partitions:` leaves no definition here; the plan below reports it at its line.
  const def = notebookPartitions(parseNotebook(text, file).notebook?.frontMatter ?? {});
  const neutral = substituteNotebookText(text, file, neutralWindow(def));
  const planned = await prepareNotebook(neutral.text, file, parser, workspace, params);
  if (neutral.issues.length > 0) return { ok: false, issues: [...neutral.issues, ...(planned.ok ? [] : planned.issues)] };
  if (!planned.ok || partition === null || def === null) return planned;
  const window = partitionWindow(def, partition);
  if (window === null) return planned;
  const real = substituteNotebookText(text, file, window);
  if (real.issues.length > 0) return { ok: false, issues: real.issues };
  return prepareNotebook(real.text, file, parser, workspace, params);
}
