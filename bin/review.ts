// `assetbook review open|status` (a contract: CI drives them), and `promote --review N`:
// a branch's review on an Assetbook server (ASSETBOOK_SERVER, ASSETBOOK_TOKEN). `open`
// reads, with git, the notebooks the branch changed since --base at its commit, and opens
// or updates the branch's review; `status` exits 0 only when the review may be promoted.
import { WORKSPACE_FILE } from "../lib/notebook/workspace-file";
import fs from "node:fs";
import path from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { parseConfig } from "../lib/config";
import { changedFiles, currentBranch, fileAt, git, GitError, headCommit, repositoryRoot } from "../lib/git";
import { slugOfFileName } from "../lib/workspace/notebook-files";
import { dim, green, red, yellow } from "./format";
import { problemOf, serverUrl, TriggerUsageError } from "./trigger";
import { REVIEW_USAGE, UsageError } from "./usage";

type Out = (line: string) => void;
export class ReviewUsageError extends UsageError {}

const serverEnv = z.object({
  ASSETBOOK_SERVER: z.preprocess((v) => (v === "" ? undefined : v), z.string({ error: "ASSETBOOK_SERVER is not set: the review commands talk to an Assetbook server" })),
  ASSETBOOK_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string({ error: "ASSETBOOK_TOKEN is not set: create an API token on the server's Settings page" })),
});

export class ServerProblem extends Error {}

interface Server {
  base: URL;
  call(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown>;
  text(route: string): Promise<string>;
}

function server(env: Record<string, string | undefined>): Server {
  const parsed = serverEnv.safeParse(env);
  if (!parsed.success) throw new ReviewUsageError(parsed.error.issues.map((issue) => issue.message).join("; "));
  const base = serverUrl(parsed.data.ASSETBOOK_SERVER, "ASSETBOOK_SERVER");
  const token = parsed.data.ASSETBOOK_TOKEN;
  const send = async (method: string, route: string, body?: unknown): Promise<Response> => {
    const url = new URL(route, base);
    try {
      return await fetch(url, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      throw new ServerProblem(`cannot reach ${url.origin}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    base,
    async call(method, route, body) {
      const response = await send(method, route, body);
      const answer: unknown = await response.json().catch(() => null);
      if (!response.ok) throw new ServerProblem(problemOf(response.status, answer));
      return answer;
    },
    async text(route) {
      const response = await send("GET", route);
      if (!response.ok) throw new ServerProblem(problemOf(response.status, await response.json().catch(() => null)));
      return response.text();
    },
  };
}

function parse<O extends NonNullable<ParseArgsConfig["options"]>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...options, json: { type: "boolean", default: false } }, allowPositionals: false, strict: true });
  } catch (e) {
    throw new ReviewUsageError(e instanceof Error ? e.message : String(e));
  }
}

const opened = z.object({ number: z.number(), revision: z.number(), created: z.boolean(), unchanged: z.boolean(), url: z.string() });
const missing = z.object({ kind: z.string(), message: z.string() });
const view = z.object({
  review: z.object({ number: z.number(), title: z.string(), status: z.string() }),
  current: z.object({ number: z.number(), buildStatus: z.enum(["queued", "building", "built", "failed"]), buildError: z.string().nullable() }),
  gate: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), missing: z.array(missing) })]),
});
const listed = z.object({ reviews: z.array(z.object({ number: z.number(), status: z.string() })) });
const promoted = z.union([z.object({ ok: z.literal(true), promotion: z.string(), changed: z.array(z.string()) }), z.object({ ok: z.literal(false), reason: z.string() })]);

function answer<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ServerProblem(`the server's answer to ${what} is not one this command understands (is it the same Assetbook version?)`);
  return parsed.data;
}

/** The branch CI builds: --branch, else what common CI systems say (a pull request's head), else git's. */
async function branchOf(value: unknown, root: string, env: Record<string, string | undefined>): Promise<string> {
  if (typeof value === "string" && value !== "") return value;
  const fromCi = env.GITHUB_HEAD_REF || env.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME || env.CI_COMMIT_REF_NAME || env.BUILDKITE_BRANCH;
  if (fromCi) return fromCi;
  const branch = await currentBranch(root);
  if (branch === null) throw new ReviewUsageError("HEAD is detached: name the branch with --branch NAME");
  return branch;
}

/** The notebooks (files directly in `dir`) the branch changed since `base`, with their text at `commit` (null: deleted). */
async function branchTexts(root: string, dir: string, base: string, commit: string): Promise<{ slug: string; text: string | null }[]> {
  const folder = path.relative(root, path.resolve(dir)).split(path.sep).join("/") || ".";
  if (folder.startsWith("..")) throw new ReviewUsageError(`${dir} is not inside the git repository at ${root}`);
  const texts: { slug: string; text: string | null }[] = [];
  for (const file of await changedFiles(root, base, commit, folder)) {
    const relative = folder === "." ? file.path : file.path.slice(folder.length + 1);
    // The workspace file is proposed with the notebooks, under its name.
    const slug = relative.includes("/") ? null : relative === WORKSPACE_FILE ? WORKSPACE_FILE : slugOfFileName(relative);
    if (slug === null) continue;
    texts.push({ slug, text: file.deleted ? null : await fileAt(root, commit, file.path) });
  }
  return texts;
}

async function waitForBuild(api: Server, number: number, revision: number, timeoutMs: number, err: Out): Promise<z.infer<typeof view>> {
  const deadline = Date.now() + timeoutMs;
  let said = "";
  for (;;) {
    const current = answer(view, await api.call("GET", `api/reviews/${number}`), "the review");
    const status = current.current.buildStatus;
    if (current.current.number >= revision && (status === "built" || status === "failed")) return current;
    if (status !== said) err(dim(`build ${status}…`));
    said = status;
    if (Date.now() > deadline) throw new ServerProblem(`the build of review #${number} did not finish within ${Math.round(timeoutMs / 1000)} s (it is ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, file);
}

export async function review(args: string[], env: Record<string, string | undefined>, out: Out, err: Out): Promise<number> {
  const [action, ...rest] = args;
  try {
    switch (action) {
      case "open":
        return await openReview(rest, env, out, err);
      case "status":
        return await reviewStatus(rest, env, out, err);
      default:
        throw new ReviewUsageError(`review open | review status\n${REVIEW_USAGE}`);
    }
  } catch (error) {
    if (error instanceof TriggerUsageError) throw new ReviewUsageError(error.message);
    if (!(error instanceof ServerProblem || error instanceof GitError)) throw error;
    err(red(error.message));
    return 1;
  }
}

async function openReview(args: string[], env: Record<string, string | undefined>, out: Out, err: Out): Promise<number> {
  const { values } = parse(args, {
    base: { type: "string" },
    title: { type: "string" },
    description: { type: "string" },
    branch: { type: "string" },
    dir: { type: "string" },
    wait: { type: "boolean", default: false },
    timeout: { type: "string" },
    summary: { type: "string" },
  });
  if (values.base === undefined) throw new ReviewUsageError("--base REF is required: the branch's changes are read since it left REF (e.g. --base origin/main)");
  const timeoutMs = values.timeout === undefined ? 600_000 : Number(values.timeout) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new ReviewUsageError("--timeout takes a number of seconds");
  const api = server(env);
  const root = await repositoryRoot(process.cwd());
  const branch = await branchOf(values.branch, root, env);
  const commit = await headCommit(root);
  const dir = values.dir ?? parseConfig(env).notebooksDir;
  const texts = await branchTexts(root, dir, values.base, commit);
  if (texts.length === 0) {
    if (values.json) out(JSON.stringify({ review: null, branch, commit }));
    else out(`no notebook in ${dir} changed on ${branch} since ${values.base}: nothing to review`);
    return 0;
  }
  const title = values.title ?? ((await git(root, ["log", "-1", "--format=%s", commit])).trim() || `Branch ${branch}`);
  const result = answer(opened, await api.call("POST", "api/reviews/branches", { branch, title, description: values.description ?? "", texts, commit }), "review open");
  const url = new URL(result.url.replace(/^\//, ""), api.base).toString();
  if (!values.json) out(`${result.created ? green("opened") : result.unchanged ? dim("unchanged") : yellow("updated")} review #${result.number} revision ${result.revision} for ${branch}: ${url}`);
  let built: z.infer<typeof view> | null = null;
  if (values.wait) built = await waitForBuild(api, result.number, result.revision, timeoutMs, err);
  if (values.summary !== undefined) writeAtomically(values.summary, await api.text(`api/reviews/${result.number}/summary`));
  const failed = built?.current.buildStatus === "failed";
  if (values.json) out(JSON.stringify({ ...result, url, branch, commit, build: built?.current.buildStatus ?? null }));
  else if (built) out(failed ? red(`build failed${built.current.buildError ? `: ${built.current.buildError}` : ""}`) : green("built"));
  return failed ? 1 : 0;
}

async function reviewStatus(args: string[], env: Record<string, string | undefined>, out: Out, err: Out): Promise<number> {
  const { values } = parse(args, { review: { type: "string" }, branch: { type: "string" } });
  const api = server(env);
  let number: number;
  if (values.review !== undefined) {
    number = Number(values.review.replace(/^#/, ""));
    if (!Number.isInteger(number) || number <= 0) throw new ReviewUsageError("--review takes a review number");
  } else {
    const branch = await branchOf(values.branch, await repositoryRoot(process.cwd()), env);
    const found = answer(listed, await api.call("GET", `api/reviews?filter=all&branch=${encodeURIComponent(branch)}`), "the reviews");
    const latest = found.reviews.find((r) => r.status === "open") ?? found.reviews[0];
    if (latest === undefined) {
      err(red(`no review for branch ${branch}: run \`assetbook review open --base REF\` first`));
      return 1;
    }
    number = latest.number;
  }
  const current = answer(view, await api.call("GET", `api/reviews/${number}`), "the review");
  const reasons = current.gate.ok ? [] : current.gate.missing.map((m) => m.message);
  if (values.json) out(JSON.stringify({ number, status: current.review.status, build: current.current.buildStatus, ok: current.gate.ok, missing: reasons }));
  else if (current.gate.ok) out(green(`review #${number} is approved and built: it may be promoted`));
  else {
    out(`review #${number} (${current.review.status}) may not be promoted yet:`);
    for (const reason of reasons) out(`  - ${reason}`);
  }
  return current.gate.ok ? 0 : 1;
}

/** `assetbook promote --review N`: the review's own promotion (its rules apply), on the server. */
export async function promoteReview(value: string, json: boolean, env: Record<string, string | undefined>, out: Out, err: Out): Promise<number> {
  const number = Number(value.replace(/^#/, ""));
  if (!Number.isInteger(number) || number <= 0) throw new ReviewUsageError("--review takes a review number");
  try {
    const result = answer(promoted, await server(env).call("POST", `api/reviews/${number}/promote`, {}), "promote");
    if (json) out(JSON.stringify(result));
    else if (result.ok) out(`${green("promoted")} review #${number} ${dim(result.promotion)}: ${result.changed.join(", ") || "no asset changed"}`);
    else err(red(result.reason));
    return result.ok ? 0 : 1;
  } catch (error) {
    if (error instanceof TriggerUsageError) throw new ReviewUsageError(error.message);
    if (!(error instanceof ServerProblem)) throw error;
    if (json) out(JSON.stringify({ ok: false, error: error.message }));
    else err(red(error.message));
    return 1;
  }
}
