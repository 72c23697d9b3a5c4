// What the commands share to read their arguments and report problems.
import fs from "node:fs";
import path from "node:path";
import { parseConfig } from "../lib/config";
import { readNotebookDir } from "../lib/workspace/notebook-files";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { formatIssue, type NotebookIssue } from "../lib/notebook/types";
import { dim, red } from "./format";
import { UsageError } from "./usage";

export type Out = (line: string) => void;

export function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

export function readNotebook(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read ${file}`);
  }
}

export function printIssues(issues: NotebookIssue[], err: Out): void {
  for (const issue of issues) err(red(formatIssue(issue)));
  err(red(`${issues.length} problem${issues.length === 1 ? "" : "s"} found`));
}

export /** The notebook files named (a directory stands for its notebooks); none named: the notebooks directory (ASSETBOOK_NOTEBOOKS_DIR, default notebooks/). */
async function notebookFiles(named: string[], err: Out): Promise<string[]> {
  const args = named.length > 0 ? named : [path.relative(process.cwd(), parseConfig(process.env).notebooksDir) || "."];
  const files: string[] = [];
  for (const arg of args) {
    if (!fs.existsSync(arg) || !fs.statSync(arg).isDirectory()) {
      files.push(arg);
      continue;
    }
    const { notebooks, ignored } = await readNotebookDir(arg);
    for (const { file, reason } of ignored) err(dim(`skipped ${path.join(arg, path.basename(file))}: ${reason}`));
    files.push(...notebooks.map((nb) => path.join(arg, `${nb.slug}.md`)));
  }
  if (files.length === 0) throw new UsageError(`name at least one notebook (no notebooks in ${args.join(", ")})`);
  return files;
}
