// Production follows a git branch: fetch it into a local mirror, then for each commit since
// the one production serves (in order, first parents only), build the notebooks folder at
// that commit as the whole project into an environment of its own and promote it when
// every asset built and every error-severity check passed. A commit that fails is recorded
// and skipped; production stays at the last good commit. Which commit production serves is
// the name of the environment its latest promotion came from (`git-<sha>`), written in the
// promotion's own transaction: a kill -9 anywhere leaves production at one whole commit.
import { WORKSPACE_FILE } from "../notebook/workspace-file";
import { mkdir } from "node:fs/promises";
import { git, GitError } from "../git";
import { promotions } from "../lifecycle/store";
import type { BuildAnswer, LifecycleOps } from "../runs/lifecycle-ops";
import { slugOfFileName } from "../workspace/notebook-files";

/** The environment a commit is built in, and the promotion's record of it (an env name is at most 40 characters). */
export function commitEnv(sha: string): string {
  return `git-${sha.slice(0, 36)}`;
}

/** The commit (its first 36 hex digits) a promotion's environment names; null for other promotions. */
export function commitOfEnv(env: string): string | null {
  return /^git-([0-9a-f]{36})$/.exec(env)?.[1] ?? null;
}

export interface BranchSource {
  /** The remote (a URL or a path); credentials never in it: they come through `gitEnv`. */
  remote: string;
  branch: string;
  /** The notebooks folder inside the repository (default `notebooks`). */
  folder: string;
  /** The local bare mirror the branch is fetched into. */
  mirror: string;
  /** Extra environment for git (the credential, as an HTTP header in git's config from the environment). */
  gitEnv?: Record<string, string>;
  /** Applied to every message that may quote git (credentials never reach a log or the UI). */
  redact?: (text: string) => string;
}

export type CommitOutcome =
  | { sha: string; status: "promoted"; promotion: string; changed: string[] }
  | { sha: string; status: "failed"; reason: string };

export interface SyncDeps {
  source: BranchSource;
  /** The lifecycle over production's warehouse (the server's: the catalog follows each promotion). */
  ops: LifecycleOps;
  warehouse: Parameters<typeof promotions>[0];
  /** Commits already tried and failed: not built again until the branch moves past them. */
  failedBefore(sha: string): Promise<boolean>;
  /** Each commit's outcome, as soon as it is known. */
  record(outcome: CommitOutcome): Promise<void>;
}

export interface SyncResult {
  head: string;
  /** What production served before, as far as it came from this branch. */
  from: string | null;
  outcomes: CommitOutcome[];
}

function run(source: BranchSource, args: string[]): Promise<string> {
  return git(source.mirror, args, source.gitEnv ?? {}).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new GitError((source.redact ?? ((text) => text))(message));
  });
}

/** Fetches the branch into the mirror (made on first use); the branch's head commit. */
export async function fetchBranch(source: BranchSource): Promise<string> {
  await mkdir(source.mirror, { recursive: true });
  await git(source.mirror, ["init", "--bare", "--quiet"]);
  await run(source, ["fetch", "--quiet", "--no-tags", "--force", source.remote, `+refs/heads/${source.branch}:refs/heads/${source.branch}`]);
  return (await run(source, ["rev-parse", "--verify", `refs/heads/${source.branch}^{commit}`])).trim();
}

/** The commit production serves, as its latest promotion names it (null: not from this branch, or never). */
export async function productionCommit(deps: Pick<SyncDeps, "warehouse" | "source">): Promise<string | null> {
  const [latest] = await promotions(deps.warehouse);
  const prefix = latest === undefined ? null : commitOfEnv(latest.env);
  if (prefix === null) return null;
  const found = await run(deps.source, ["rev-parse", "--verify", "--quiet", `${prefix}^{commit}`]).catch(() => "");
  return found.trim() === "" ? null : found.trim();
}

/** The commits to promote, oldest first: those after production's on the branch's first-parent line, else the head alone. */
async function pending(source: BranchSource, from: string | null, head: string): Promise<string[]> {
  if (from === head) return [];
  if (from !== null) {
    const ancestor = await run(source, ["merge-base", "--is-ancestor", from, head]).then(
      () => true,
      () => false,
    );
    if (ancestor) return (await run(source, ["rev-list", "--reverse", "--first-parent", `${from}..${head}`])).split("\n").filter((line) => line !== "");
  }
  // Production came from elsewhere, or the branch was rewritten: its head is what it should be.
  return [head];
}

/** The notebooks at a commit: the `.md` files directly in the folder, and the workspace file beside them (under its name). */
async function notebooksAt(source: BranchSource, sha: string): Promise<{ slug: string; text: string }[]> {
  const folder = source.folder.replace(/\/+$/, "");
  const listed = await run(source, ["ls-tree", "-z", "--name-only", sha, `${folder}/`]);
  const notebooks: { slug: string; text: string }[] = [];
  for (const file of listed.split("\0").filter((name) => name !== "")) {
    const name = file.slice(folder.length + 1);
    if (name === WORKSPACE_FILE) {
      notebooks.push({ slug: WORKSPACE_FILE, text: await run(source, ["show", `${sha}:${file}`]) });
      continue;
    }
    const slug = slugOfFileName(name);
    if (slug === null) continue;
    notebooks.push({ slug, text: await run(source, ["show", `${sha}:${file}`]) });
  }
  return notebooks;
}

function buildFailure(answer: BuildAnswer): string | null {
  if (!answer.ok) return answer.issues.map((issue) => `${issue.file}:${issue.line}: ${issue.cell ? `cell ${issue.cell}: ` : ""}${issue.message}`).join("\n");
  if (answer.document.ok) return null;
  const failed = answer.document.outcomes.filter((outcome) => outcome.status !== "succeeded");
  return failed.map((outcome) => `${outcome.asset}${outcome.partition ? ` (${outcome.partition})` : ""}: ${outcome.status}${outcome.reason ? `: ${outcome.reason}` : ""}`).join("\n");
}

/** One sync: fetch, then each pending commit built and promoted (or recorded as failed), in order. */
export async function syncBranch(deps: SyncDeps): Promise<SyncResult> {
  const { source, ops } = deps;
  const head = await fetchBranch(source);
  const from = await productionCommit(deps);
  const outcomes: CommitOutcome[] = [];
  for (const sha of await pending(source, from, head)) {
    if (await deps.failedBefore(sha)) continue;
    const env = commitEnv(sha);
    let outcome: CommitOutcome;
    try {
      const notebooks = await notebooksAt(source, sha);
      const built = await ops.build({ env, notebooks, project: true });
      const failure = buildFailure(built);
      if (failure !== null) outcome = { sha, status: "failed", reason: failure };
      else {
        const promoted = await ops.promote(env);
        outcome = promoted.ok ? { sha, status: "promoted", promotion: promoted.promotion, changed: promoted.changed } : { sha, status: "failed", reason: promoted.reason };
      }
    } finally {
      // Its versions are production's now, or nobody's: the environment itself goes either way.
      await ops.drop(env).catch(() => undefined);
    }
    outcomes.push(outcome);
    await deps.record(outcome);
  }
  return { head, from, outcomes };
}
