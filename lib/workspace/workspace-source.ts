// The workspace file on disk: `assetbook.yml` in the notebooks' folder, in git with them.
import fs from "node:fs/promises";
import path from "node:path";
import { parseWorkspaceFile, workspaceFor, emptyWorkspace, WORKSPACE_FILE, type Workspace, type WorkspaceFile, type WorkspaceTarget } from "../notebook/workspace-file";
import type { NotebookIssue } from "../notebook/types";

export type WorkspaceRead = { ok: true; file: WorkspaceFile | null } | { ok: false; issues: NotebookIssue[] };

/** The workspace file of a notebooks folder (null when it has none); `shown` is how messages name the folder. */
export async function readWorkspaceFile(folder: string, shown: string = folder): Promise<WorkspaceRead> {
  const file = path.join(folder, WORKSPACE_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return { ok: true, file: null };
    throw error;
  }
  const parsed = parseWorkspaceFile(text, path.join(shown, WORKSPACE_FILE));
  return parsed.ok ? { ok: true, file: parsed.workspace } : parsed;
}

/** The workspace a notebook in `folder` runs in, for `target`; an empty one without a file. */
export async function workspaceOf(folder: string, target: WorkspaceTarget, shown?: string): Promise<{ ok: true; workspace: Workspace } | { ok: false; issues: NotebookIssue[] }> {
  const read = await readWorkspaceFile(folder, shown);
  if (!read.ok) return read;
  return { ok: true, workspace: read.file === null ? emptyWorkspace(target) : workspaceFor(read.file, target) };
}
