// Git, through the system `git` binary (no library reimplements it here): what a branch
// changed in the notebooks folder since a base, each file's text at a commit, the branch
// and the commit. Arguments go to git as an array (no shell); a failure names the command.
import { execFile } from "node:child_process";
import path from "node:path";

export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GitError";
  }
}

const MAX_BUFFER = 64 * 1024 * 1024;

/** Runs `git args…` in `cwd`; its stdout. */
export function git(cwd: string, args: readonly string[], env: Record<string, string | undefined> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", [...args], { cwd, maxBuffer: MAX_BUFFER, env: { ...process.env, GIT_TERMINAL_PROMPT: "0", ...env } }, (error, stdout, stderr) => {
      if (error) {
        const missing = "code" in error && error.code === "ENOENT";
        reject(new GitError(missing ? "git is not installed (the git workflow uses the system git binary)" : `git ${args[0] ?? ""} failed: ${stderr.trim() || error.message}`));
        return;
      }
      resolve(stdout);
    });
  });
}

/** The repository's top folder containing `cwd`. */
export async function repositoryRoot(cwd: string): Promise<string> {
  return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
}

export async function headCommit(cwd: string): Promise<string> {
  return (await git(cwd, ["rev-parse", "HEAD"])).trim();
}

/** The checked-out branch; null on a detached HEAD (as CI systems often check out). */
export async function currentBranch(cwd: string): Promise<string | null> {
  const name = (await git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"])).trim();
  return name === "HEAD" ? null : name;
}

export interface ChangedFile {
  /** Path from the repository's root, with `/`. */
  path: string;
  /** Deleted on the branch (its text is gone). */
  deleted: boolean;
}

/**
 * The files under `folder` (a path from the repository's root) that `head` changed since it
 * left `base` (`git diff base...head`: what the branch did, not what the base did since).
 */
export async function changedFiles(cwd: string, base: string, head: string, folder: string): Promise<ChangedFile[]> {
  const out = await git(cwd, ["diff", "--name-status", "--no-renames", "-z", `${base}...${head}`, "--", folder]);
  const fields = out.split("\0").filter((field) => field !== "");
  const files: ChangedFile[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i] ?? "";
    const file = fields[i + 1] ?? "";
    files.push({ path: file, deleted: status.startsWith("D") });
  }
  return files;
}

/** A file's text at a commit; null when the commit has no such file. */
export async function fileAt(cwd: string, commit: string, file: string): Promise<string | null> {
  try {
    return await git(cwd, ["show", `${commit}:${file.split(path.sep).join("/")}`]);
  } catch (error) {
    if (error instanceof GitError && /does not exist|exists on disk, but not in/.test(error.message)) return null;
    throw error;
  }
}
