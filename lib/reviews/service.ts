// A review's life: proposed from working copies (planned against production, built on the
// workers), revised, decided, then promoted through the one atomic promotion or abandoned;
// either way its environment is dropped. Routes and pages call only these.
import type { Warehouse } from "../warehouse/types";
import { isUniqueViolation } from "../catalog/unique";
import { dropEnvironment } from "../lifecycle/cleanup";
import { PRODUCTION } from "../lifecycle/layout";
import { planProject } from "../lifecycle/project";
import { staleness } from "../lifecycle/promote";
import { environments, servedState } from "../lifecycle/store";
import { formatIssue } from "../notebook/types";
import { productionLifecycle, type ChangesDeps } from "../runs/notebook-changes";
import { readNotebook } from "../workspace/notebook-files";
import { cellCode } from "./cells";
import { codeLines } from "./anchor";
import { promoteGate, reviewPolicy, verdictState, type Gate, type ReviewPolicy, type Verdict } from "./rules";
import {
  addComment,
  addRevision,
  closeReview,
  createReview,
  loadReview,
  nextReviewNumber,
  openReviewOfBranch,
  recordVerdict,
  replanRevision,
  resolveThread,
  reviewEnv,
  reviewSettings,
  ReviewError,
  type LoadedReview,
  type LoadedRevision,
  type RevisionNotebook,
} from "./store";

/** A revision's build, as the `build_review` job carries it. */
// A type, not an interface: a job's payload must be assignable to JsonValue.
export type ReviewBuildJob = { reviewId: string; revisionId: string };

export interface ReviewDeps extends ChangesDeps {
  /** Puts a revision's build on the workers' queue. */
  enqueueBuild(job: ReviewBuildJob): Promise<void>;
}

/** A proposed text: from the working copy (the app) or from a git commit (the CLI); null deletes the notebook. */
export interface ProposedText {
  slug: string;
  text: string | null;
}

/** `texts` against production's: only those that differ, each with production's text as its base. */
async function againstProduction(deps: Pick<ReviewDeps, "warehouse">, texts: readonly ProposedText[]): Promise<RevisionNotebook[]> {
  const production = (await servedState(deps.warehouse, PRODUCTION)).notebooks;
  const notebooks: RevisionNotebook[] = [];
  for (const { slug, text } of [...new Map(texts.map((t) => [t.slug, t])).values()].sort((a, b) => a.slug.localeCompare(b.slug))) {
    const base = production[slug] ?? null;
    if (text === null && base === null) throw new ReviewError(404, `no notebook "${slug}" in production to remove`);
    if (text !== base) notebooks.push({ slug, text, base });
  }
  return notebooks;
}

/** The working copies of `slugs` (the files in the notebooks folder; a missing one is deleted). */
async function workingCopies(deps: Pick<ReviewDeps, "notebooksDir" | "warehouse">, slugs: readonly string[]): Promise<RevisionNotebook[]> {
  const texts: ProposedText[] = [];
  for (const slug of new Set(slugs)) texts.push({ slug, text: (await readNotebook(deps.notebooksDir, slug))?.text ?? null });
  return againstProduction(deps, texts);
}

async function planned(deps: ReviewDeps, env: string, notebooks: readonly RevisionNotebook[]) {
  const result = await planProject(deps.warehouse, env, notebooks.map(({ slug, text }) => ({ slug, text })), deps.parser);
  if (!result.ok) throw new ReviewError(422, `the change does not plan:\n${result.issues.map(formatIssue).join("\n")}`);
  return result.plan;
}

export interface ProposeInput {
  authorId: string;
  title: string;
  description: string;
  notebooks: readonly string[];
}

/** Turns working copies into review N, planned against production, and queues its build. */
export async function proposeReview(deps: ReviewDeps, input: ProposeInput): Promise<{ number: number }> {
  const notebooks = await workingCopies(deps, input.notebooks);
  if (notebooks.length === 0) throw new ReviewError(422, `nothing to propose: ${input.notebooks.join(", ")} ${input.notebooks.length === 1 ? "is" : "are"} the same as production`);
  return createWith(deps, { authorId: input.authorId, title: input.title, description: input.description }, notebooks);
}

async function createWith(deps: ReviewDeps, input: { authorId: string; title: string; description: string; branch?: string; commit?: string }, notebooks: RevisionNotebook[]): Promise<{ number: number }> {
  // Two proposals at once take the same number: the second is planned again with the next.
  for (let attempt = 0; ; attempt++) {
    const number = await nextReviewNumber(deps.db, deps.workspaceId);
    const plan = await planned(deps, reviewEnv(number), notebooks);
    try {
      const created = await createReview(deps.db, {
        workspaceId: deps.workspaceId,
        number,
        title: input.title,
        description: input.description,
        ...(input.branch ? { branch: input.branch } : {}),
        revision: { authorId: input.authorId, notebooks, plan, ...(input.commit ? { commit: input.commit } : {}) },
      });
      await deps.enqueueBuild({ reviewId: created.id, revisionId: created.revisionId });
      return { number };
    } catch (error) {
      if (attempt < 3 && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

export interface BranchInput {
  authorId: string;
  branch: string;
  title: string;
  description: string;
  /** The texts of the notebooks the branch changed, read from `commit`. */
  texts: readonly ProposedText[];
  commit?: string;
}

export type BranchResult = { number: number; revision: number; created: boolean; unchanged: boolean };

/**
 * The review of a git branch: opened on its first push, and each later push with other
 * texts is its next revision (the same texts again change nothing: CI may run twice).
 */
export async function openBranchReview(deps: ReviewDeps, input: BranchInput): Promise<BranchResult> {
  const notebooks = await againstProduction(deps, input.texts);
  const existing = await openReviewOfBranch(deps.db, deps.workspaceId, input.branch);
  if (existing === null) {
    if (notebooks.length === 0) throw new ReviewError(422, `nothing to review: branch ${input.branch} changes no notebook against production`);
    const { number } = await createWith(deps, input, notebooks);
    return { number, revision: 1, created: true, unchanged: false };
  }
  const { review, latest } = await openReview(deps, existing);
  if (sameTexts(notebooks, latest.notebooks)) return { number: existing, revision: latest.number, created: false, unchanged: true };
  if (notebooks.length === 0) throw new ReviewError(422, `branch ${input.branch} no longer changes any notebook against production: abandon review #${existing}`);
  const revision = await reviseWith(deps, review, notebooks, input.authorId, input.commit);
  return { number: existing, revision, created: false, unchanged: false };
}

function sameTexts(a: readonly RevisionNotebook[], b: readonly RevisionNotebook[]): boolean {
  return a.length === b.length && a.every((nb) => b.some((old) => old.slug === nb.slug && old.text === nb.text));
}

async function reviseWith(deps: ReviewDeps, review: LoadedReview, notebooks: RevisionNotebook[], authorId: string, commit?: string): Promise<number> {
  const plan = await planned(deps, review.env, notebooks);
  const revision = await addRevision(deps.db, { workspaceId: deps.workspaceId, reviewId: review.id, revision: { authorId, notebooks, plan, ...(commit ? { commit } : {}) } });
  await deps.enqueueBuild({ reviewId: review.id, revisionId: revision.id });
  return revision.number;
}

async function openReview(deps: Pick<ReviewDeps, "db" | "workspaceId">, number: number): Promise<{ review: LoadedReview; latest: LoadedRevision }> {
  const review = await loadReview(deps.db, deps.workspaceId, number);
  const latest = review?.revisions.at(-1);
  if (review === null || latest === undefined) throw new ReviewError(404, `no review #${number}`);
  if (review.status !== "open") throw new ReviewError(409, `review #${number} is ${review.status}`);
  return { review, latest };
}

/** Pushes the working copies of the review's notebooks (and any added) as its next revision; its verdicts reset. */
export async function reviseReview(deps: ReviewDeps, input: { number: number; authorId: string; notebooks?: readonly string[] }): Promise<{ revision: number }> {
  const { review, latest } = await openReview(deps, input.number);
  const notebooks = await workingCopies(deps, [...latest.notebooks.map((nb) => nb.slug), ...(input.notebooks ?? [])]);
  if (notebooks.length === 0) throw new ReviewError(422, "nothing to propose: the working copies are the same as production (abandon the review instead)");
  if (sameTexts(notebooks, latest.notebooks)) throw new ReviewError(422, `nothing changed since revision ${latest.number}: save the notebook, then push`);
  return { revision: await reviseWith(deps, review, notebooks, input.authorId) };
}

/** Plans the current revision's texts again over production as it is now and builds it (what is unchanged is reused). */
export async function rebuildReview(deps: ReviewDeps, number: number): Promise<void> {
  const { review, latest } = await openReview(deps, number);
  const plan = await planned(deps, review.env, latest.notebooks);
  await replanRevision(deps.db, latest.id, plan);
  await deps.enqueueBuild({ reviewId: review.id, revisionId: latest.id });
}

export async function decideReview(deps: Pick<ReviewDeps, "db" | "workspaceId">, input: { number: number; userId: string; verdict: Verdict; revision: number }): Promise<void> {
  const { review, latest } = await openReview(deps, input.number);
  // A verdict is on what the member saw: a revision pushed meanwhile must be read first.
  if (input.revision !== latest.number) throw new ReviewError(409, `revision ${latest.number} was pushed since: read it, then decide`);
  await recordVerdict(deps.db, { workspaceId: deps.workspaceId, reviewId: review.id, userId: input.userId, revision: latest.number, verdict: input.verdict });
}

/** Whether the review may be promoted now, from the catalog and the warehouse as they are. */
export async function reviewGate(deps: Pick<ReviewDeps, "db" | "workspaceId"> & { warehouse: Warehouse }, review: LoadedReview, known?: ReviewPolicy): Promise<Gate> {
  const latest = review.revisions.at(-1);
  if (latest === undefined) throw new ReviewError(404, `review #${review.number} has no revision`);
  const policy = known ?? (await workspacePolicy(deps));
  const record = (await environments(deps.warehouse)).find((candidate) => candidate.env === review.env);
  const envHash = record !== undefined && typeof record.plan === "object" && record.plan !== null && "hash" in record.plan ? record.plan.hash : null;
  const production = await servedState(deps.warehouse, PRODUCTION);
  return promoteGate({
    status: review.status,
    policy,
    verdicts: verdictState(
      review.decisions.map((d) => ({ userId: d.userId, revision: d.revision, verdict: d.verdict, at: d.createdAt })),
      latest.number,
      review.authorId,
    ),
    build: latest.buildStatus,
    buildCurrent: record?.status === "built" && envHash === latest.planHash,
    moved: review.status === "open" ? staleness(latest.plan, production) : { assets: [], notebooks: [] },
  });
}

export type PromoteReviewResult = { ok: true; promotion: string; changed: string[] } | { ok: false; reason: string };

/** Promotes the review's build when the rules allow, closes the review and drops its environment. */
export async function promoteReview(deps: ReviewDeps, input: { number: number; actorId: string }): Promise<PromoteReviewResult> {
  const { review } = await openReview(deps, input.number);
  const gate = await reviewGate(deps, review);
  if (!gate.ok) return { ok: false, reason: gate.missing.map((m) => m.message).join("; ") };
  const result = await productionLifecycle(deps).promote(review.env);
  if (!result.ok) return { ok: false, reason: result.reason };
  await closeReview(deps.db, { workspaceId: deps.workspaceId, reviewId: review.id, actorId: input.actorId, status: "promoted", promotionId: result.promotion });
  await dropEnvironment(deps.warehouse, review.env);
  return { ok: true, promotion: result.promotion, changed: result.changed };
}

export async function abandonReview(deps: Pick<ReviewDeps, "db" | "workspaceId" | "warehouse">, input: { number: number; actorId: string }): Promise<void> {
  const { review } = await openReview(deps, input.number);
  await closeReview(deps.db, { workspaceId: deps.workspaceId, reviewId: review.id, actorId: input.actorId, status: "abandoned" });
  await dropEnvironment(deps.warehouse, review.env);
}

/** The review policy in force: the owner's settings, with defaults by the number of members. */
export async function workspacePolicy(deps: Pick<ReviewDeps, "db" | "workspaceId">): Promise<ReviewPolicy> {
  const { settings, members } = await reviewSettings(deps.db, deps.workspaceId);
  return reviewPolicy(settings, members);
}

/** The plain Promote (outside a review) is closed while the policy requires reviews. */
export async function plainPromoteRefusal(deps: Pick<ReviewDeps, "db" | "workspaceId">): Promise<string | null> {
  return (await workspacePolicy(deps)).required ? "this workspace promotes only approved reviews: propose the change from the editor (Propose changes), then promote it from its review" : null;
}

export interface CommentRequest {
  number: number;
  authorId: string;
  body: string;
  threadId?: string;
  notebook?: string;
  cell?: string;
  line?: number;
}

/** A comment on the review, a cell or a line of the current revision (its text is kept to find it again), or a reply. */
export async function commentOnReview(deps: Pick<ReviewDeps, "db" | "workspaceId">, input: CommentRequest): Promise<{ id: string }> {
  const review = await loadReview(deps.db, deps.workspaceId, input.number);
  const current = review?.revisions.at(-1);
  if (review === null || current === undefined) throw new ReviewError(404, `no review #${input.number}`);
  const base = { workspaceId: deps.workspaceId, reviewId: review.id, authorId: input.authorId, revision: current.number, body: input.body };
  if (input.threadId !== undefined) return addComment(deps.db, { ...base, threadId: input.threadId });
  if (input.notebook === undefined) {
    if (input.cell !== undefined || input.line !== undefined) throw new ReviewError(422, "a comment on a cell names its notebook");
    return addComment(deps.db, base);
  }
  const notebook = current.notebooks.find((nb) => nb.slug === input.notebook);
  if (notebook === undefined) throw new ReviewError(422, `notebook "${input.notebook}" is not part of revision ${current.number}`);
  if (input.cell === undefined) return addComment(deps.db, { ...base, notebook: notebook.slug });
  // A removed cell is commented on as production had it.
  const code = cellCode(notebook.slug, notebook.text, input.cell) ?? cellCode(notebook.slug, notebook.base, input.cell);
  if (code === null) throw new ReviewError(422, `cell "${input.cell}" is not in notebook ${notebook.slug}`);
  if (input.line === undefined) return addComment(deps.db, { ...base, notebook: notebook.slug, cell: input.cell });
  const lines = codeLines(code);
  const lineText = lines[input.line - 1];
  if (lineText === undefined) throw new ReviewError(422, `cell "${input.cell}" has ${lines.length} line${lines.length === 1 ? "" : "s"}: there is no line ${input.line}`);
  return addComment(deps.db, { ...base, notebook: notebook.slug, cell: input.cell, line: input.line, lineText });
}

/** Resolves a thread of review N (or opens it again). */
export async function resolveReviewThread(deps: Pick<ReviewDeps, "db" | "workspaceId">, input: { number: number; threadId: string; userId: string; resolved: boolean }): Promise<void> {
  const review = await deps.db.review.findUnique({ where: { workspaceId_number: { workspaceId: deps.workspaceId, number: input.number } }, select: { id: true } });
  if (review === null) throw new ReviewError(404, `no review #${input.number}`);
  await resolveThread(deps.db, { workspaceId: deps.workspaceId, reviewId: review.id, threadId: input.threadId, userId: input.userId, resolved: input.resolved });
}
