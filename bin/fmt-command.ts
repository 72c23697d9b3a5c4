// `assetbook fmt`: rewrites notebooks in canonical form (`--check`: only says which are not).
import fs from "node:fs";
import path from "node:path";
import { formatNotebook } from "../lib/notebook";
import { parseNotebookIn } from "../lib/notebook/apply-workspace";
import { workspaceOf } from "../lib/workspace/workspace-source";
import { notebookFiles, parse, printIssues, readNotebook, type Out } from "./args";

export async function fmt(args: string[], out: Out, err: Out): Promise<number> {
  const { positionals: named, values } = parse(args, { check: { type: "boolean", default: false } });
  const positionals = await notebookFiles(named, err);
  let status = 0;
  let canonical = 0;
  for (const file of positionals) {
    const text = readNotebook(file);
    // Only a notebook that parses (in its workspace: its checks and variables resolve) is rewritten: formatting must never hide or move an error.
    const workspace = await workspaceOf(path.dirname(file), "development");
    if (!workspace.ok) {
      printIssues(workspace.issues, err);
      status = 1;
      continue;
    }
    const parsed = parseNotebookIn(text, file, workspace.workspace);
    const formatted = formatNotebook(text, file);
    if (!parsed.ok || !formatted.ok) {
      printIssues(parsed.ok ? (formatted.ok ? [] : formatted.issues) : parsed.issues, err);
      status = 1;
      continue;
    }
    if (formatted.text === text) {
      canonical++;
      continue;
    }
    if (values.check) {
      err(`${file}: not in canonical form (run: assetbook fmt ${file})`);
      status = 1;
    } else {
      writeAtomically(file, formatted.text);
      out(`formatted ${file}`);
    }
  }
  if (canonical > 0) out(`${canonical} notebook${canonical === 1 ? "" : "s"} ${values.check && status === 0 ? "" : "already "}in canonical form`);
  return status;
}

/** Write beside the file, then rename over it: a crash never leaves half a notebook. */
function writeAtomically(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}
