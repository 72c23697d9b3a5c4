// Reviews in the catalog: reviews, their revisions (texts, plan, build), comments and
// verdicts, the workspace's review policy. Every change is audited in the same transaction.
import { z } from "zod";
import { recordAudit, type CatalogDb } from "../catalog";
import type { Prisma, ReviewBuildStatus, ReviewStatus } from "../catalog";
import type { BuiltOutcome } from "../lifecycle/store";
import type { AssetDiff } from "../lifecycle/env-diff";
import type { Plan } from "../lifecycle/plan";
import type { Verdict, ReviewPolicySettings } from "./rules";

export const revisionNotebookSchema = z.object({ slug: z.string(), text: z.string().nullable(), base: z.string().nullable() });
export type RevisionNotebook = z.infer<typeof revisionNotebookSchema>;

/** Plans and outcomes were written by this code; parsed only as far as the pages read them. */
const planSchema = z.custom<Plan>((value) => typeof value === "object" && value !== null && "hash" in value && "assets" in value && "build" in value);
const outcomesSchema = z.custom<BuiltOutcome[]>((value) => Array.isArray(value));
const diffSchema = z.record(z.string(), z.custom<AssetDiff>((value) => typeof value === "object" && value !== null));

export class ReviewError extends Error {
  constructor(
    readonly status: 404 | 409 | 422,
    message: string,
  ) {
    super(message);
    this.name = "ReviewError";
  }
}

/** The environment a review's revisions are built in. */
export function reviewEnv(number: number): string {
  return `review-${number}`;
}

export interface NewRevision {
  authorId: string;
  notebooks: RevisionNotebook[];
  plan: Plan;
  /** The git commit the texts were read from. */
  commit?: string;
}

function isJsonValue(value: unknown): value is Prisma.InputJsonValue {
  return value !== null && value !== undefined;
}

/** A value as the JSON column stores it (undefined fields dropped). */
function json(value: unknown): Prisma.InputJsonValue {
  const plain: unknown = JSON.parse(JSON.stringify(value));
  if (!isJsonValue(plain)) throw new Error("a review record is not a JSON value");
  return plain;
}

function revisionData(revision: NewRevision) {
  return { notebooks: json(revision.notebooks), plan: json(revision.plan), planHash: revision.plan.hash, authorId: revision.authorId, commit: revision.commit ?? null };
}

/** The open review of a git branch, if any. */
export async function openReviewOfBranch(db: CatalogDb, workspaceId: string, branch: string): Promise<number | null> {
  const review = await db.review.findFirst({ where: { workspaceId, branch, status: "open" }, orderBy: { number: "desc" }, select: { number: true } });
  return review?.number ?? null;
}

/** Creates review N (and its first revision). `plan` is planned for `reviewEnv(number)`: number comes from `nextReviewNumber`. */
export async function createReview(db: CatalogDb, input: { workspaceId: string; number: number; title: string; description: string; branch?: string; revision: NewRevision }): Promise<{ id: string; number: number; env: string; revisionId: string }> {
  return db.$transaction(async (tx) => {
    const review = await tx.review.create({
      data: { workspaceId: input.workspaceId, number: input.number, title: input.title, description: input.description, authorId: input.revision.authorId, env: reviewEnv(input.number), branch: input.branch ?? null },
    });
    const revision = await tx.reviewRevision.create({
      data: { reviewId: review.id, number: 1, ...revisionData(input.revision) },
    });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.revision.authorId, action: "review.propose", targetType: "review", targetId: review.id, data: { number: review.number, notebooks: input.revision.notebooks.map((nb) => nb.slug) } });
    return { id: review.id, number: review.number, env: review.env, revisionId: revision.id };
  });
}

export async function nextReviewNumber(db: CatalogDb, workspaceId: string): Promise<number> {
  const last = await db.review.findFirst({ where: { workspaceId }, orderBy: { number: "desc" }, select: { number: true } });
  return (last?.number ?? 0) + 1;
}

/** Pushes revision N+1 of an open review. */
export async function addRevision(db: CatalogDb, input: { workspaceId: string; reviewId: string; revision: NewRevision }): Promise<{ id: string; number: number }> {
  return db.$transaction(async (tx) => {
    const review = await tx.review.findFirst({ where: { id: input.reviewId, workspaceId: input.workspaceId }, select: { status: true } });
    if (review === null) throw new ReviewError(404, "no such review");
    if (review.status !== "open") throw new ReviewError(409, `the review is ${review.status}`);
    const last = await tx.reviewRevision.findFirst({ where: { reviewId: input.reviewId }, orderBy: { number: "desc" }, select: { number: true } });
    const number = (last?.number ?? 0) + 1;
    const revision = await tx.reviewRevision.create({ data: { reviewId: input.reviewId, number, ...revisionData(input.revision) } });
    await tx.review.update({ where: { id: input.reviewId }, data: { updatedAt: new Date() } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.revision.authorId, action: "review.revise", targetType: "review", targetId: input.reviewId, data: { revision: number } });
    return { id: revision.id, number };
  });
}

/** Replaces a revision's plan (a rebuild over production as it is now plans the same texts again). */
export async function replanRevision(db: CatalogDb, revisionId: string, plan: Plan): Promise<void> {
  await db.reviewRevision.update({ where: { id: revisionId }, data: { plan: json(plan), planHash: plan.hash, buildStatus: "queued", outcomes: [], buildError: null, builtAt: null } });
}

export interface BuildUpdate {
  status: ReviewBuildStatus;
  outcomes?: BuiltOutcome[];
  diff?: Record<string, AssetDiff>;
  error?: string | null;
  builtAt?: Date;
}

export async function setRevisionBuild(db: CatalogDb, revisionId: string, update: BuildUpdate): Promise<void> {
  await db.reviewRevision.update({
    where: { id: revisionId },
    data: {
      buildStatus: update.status,
      ...(update.outcomes ? { outcomes: json(update.outcomes) } : {}),
      ...(update.diff ? { diff: json(update.diff) } : {}),
      ...(update.error !== undefined ? { buildError: update.error } : {}),
      ...(update.builtAt ? { builtAt: update.builtAt } : {}),
    },
  });
}

export interface CommentInput {
  workspaceId: string;
  reviewId: string;
  authorId: string;
  revision: number;
  body: string;
  /** A reply: the thread's first comment. */
  threadId?: string;
  notebook?: string;
  cell?: string;
  line?: number;
  lineText?: string;
}

export async function addComment(db: CatalogDb, input: CommentInput): Promise<{ id: string }> {
  return db.$transaction(async (tx) => {
    if (input.threadId !== undefined) {
      const thread = await tx.reviewComment.findFirst({ where: { id: input.threadId, reviewId: input.reviewId, threadId: null }, select: { id: true } });
      if (thread === null) throw new ReviewError(404, "no such thread in this review");
    }
    const comment = await tx.reviewComment.create({
      data: {
        reviewId: input.reviewId,
        authorId: input.authorId,
        revision: input.revision,
        body: input.body,
        threadId: input.threadId ?? null,
        notebook: input.notebook ?? null,
        cell: input.cell ?? null,
        line: input.line ?? null,
        lineText: input.lineText ?? null,
      },
    });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.authorId, action: "review.comment", targetType: "review", targetId: input.reviewId, data: { comment: comment.id, ...(input.cell ? { cell: input.cell } : {}), ...(input.line ? { line: input.line } : {}) } });
    return { id: comment.id };
  });
}

export async function resolveThread(db: CatalogDb, input: { workspaceId: string; reviewId: string; threadId: string; userId: string; resolved: boolean }): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.reviewComment.updateMany({
      where: { id: input.threadId, reviewId: input.reviewId, threadId: null },
      data: input.resolved ? { resolvedAt: new Date(), resolvedById: input.userId } : { resolvedAt: null, resolvedById: null },
    });
    if (count === 0) throw new ReviewError(404, "no such thread in this review");
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.userId, action: input.resolved ? "review.resolve" : "review.reopen_thread", targetType: "review", targetId: input.reviewId, data: { thread: input.threadId } });
  });
}

export async function recordVerdict(db: CatalogDb, input: { workspaceId: string; reviewId: string; userId: string; revision: number; verdict: Verdict }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.reviewDecision.create({ data: { reviewId: input.reviewId, userId: input.userId, revision: input.revision, verdict: input.verdict } });
    await tx.review.update({ where: { id: input.reviewId }, data: { updatedAt: new Date() } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.userId, action: input.verdict === "approved" ? "review.approve" : "review.request_changes", targetType: "review", targetId: input.reviewId, data: { revision: input.revision } });
  });
}

/** Closes an open review (promoted or abandoned); false when it was not open. */
export async function closeReview(db: CatalogDb, input: { workspaceId: string; reviewId: string; actorId: string; status: Exclude<ReviewStatus, "open">; promotionId?: string }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.review.updateMany({ where: { id: input.reviewId, workspaceId: input.workspaceId, status: "open" }, data: { status: input.status, closedAt: new Date(), promotionId: input.promotionId ?? null } });
    if (count > 0) {
      await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: input.status === "promoted" ? "review.promote" : "review.abandon", targetType: "review", targetId: input.reviewId, data: input.promotionId ? { promotion: input.promotionId } : {} });
    }
    return count > 0;
  });
}

export async function reviewSettings(db: CatalogDb, workspaceId: string): Promise<{ settings: ReviewPolicySettings; members: number }> {
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId }, select: { reviewApprovals: true, reviewRequired: true, _count: { select: { members: true } } } });
  return { settings: { approvals: workspace.reviewApprovals, required: workspace.reviewRequired }, members: workspace._count.members };
}

export async function setReviewSettings(db: CatalogDb, input: { workspaceId: string; actorId: string; settings: ReviewPolicySettings }): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: input.workspaceId }, data: { reviewApprovals: input.settings.approvals, reviewRequired: input.settings.required } });
    await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "review.policy", targetType: "workspace", targetId: input.workspaceId, data: { approvals: input.settings.approvals, required: input.settings.required } });
  });
}

const person = { select: { id: true, name: true, email: true } } as const;

/** A review with everything its page shows, or null. */
export async function loadReview(db: CatalogDb, workspaceId: string, number: number) {
  const review = await db.review.findUnique({
    where: { workspaceId_number: { workspaceId, number } },
    include: {
      author: person,
      revisions: { orderBy: { number: "asc" }, include: { author: person } },
      comments: { orderBy: { createdAt: "asc" }, include: { author: person } },
      decisions: { orderBy: { createdAt: "asc" }, include: { user: person } },
    },
  });
  if (review === null) return null;
  return {
    ...review,
    revisions: review.revisions.map((revision) => ({
      ...revision,
      notebooks: z.array(revisionNotebookSchema).parse(revision.notebooks),
      plan: planSchema.parse(revision.plan),
      outcomes: revision.outcomes === null ? [] : outcomesSchema.parse(revision.outcomes),
      diff: revision.diff === null ? null : diffSchema.parse(revision.diff),
    })),
  };
}
export type LoadedReview = NonNullable<Awaited<ReturnType<typeof loadReview>>>;
export type LoadedRevision = LoadedReview["revisions"][number];

export type ReviewFilter = "open" | "mine" | "waiting" | "promoted" | "all";

/** Reviews for the list, newest activity first. `waiting`: open, not mine, no verdict of mine on its latest revision. */
export async function listReviews(db: CatalogDb, workspaceId: string, filter: ReviewFilter, userId: string, options: { branch?: string } = {}) {
  const where: Prisma.ReviewWhereInput =
    filter === "open" || filter === "waiting" ? { workspaceId, status: "open" } : filter === "mine" ? { workspaceId, authorId: userId } : filter === "promoted" ? { workspaceId, status: "promoted" } : { workspaceId };
  const reviews = await db.review.findMany({
    where: { ...where, ...(filter === "waiting" ? { authorId: { not: userId } } : {}), ...(options.branch === undefined ? {} : { branch: options.branch }) },
    orderBy: { updatedAt: "desc" },
    take: 200,
    include: {
      author: person,
      revisions: { orderBy: { number: "desc" }, take: 1, select: { number: true, buildStatus: true, notebooks: true } },
      decisions: { where: { userId }, select: { revision: true } },
      _count: { select: { comments: true } },
    },
  });
  const rows = reviews.map((review) => {
    const latest = review.revisions[0];
    return {
      id: review.id,
      number: review.number,
      title: review.title,
      status: review.status,
      branch: review.branch,
      author: review.author,
      updatedAt: review.updatedAt,
      revision: latest?.number ?? 1,
      build: latest?.buildStatus ?? "queued",
      notebooks: latest ? z.array(revisionNotebookSchema).parse(latest.notebooks).map((nb) => nb.slug) : [],
      comments: review._count.comments,
      mineDone: decidedLatest(latest?.number, review.decisions),
    };
  });
  return filter === "waiting" ? rows.filter((row) => !row.mineDone) : rows;
}

/** Whether a member has given a verdict on a review's latest revision (else it waits for them). */
function decidedLatest(latest: number | undefined, mine: readonly { revision: number }[]): boolean {
  return latest !== undefined && mine.some((decision) => decision.revision === latest);
}

/** How many open reviews wait for `userId`'s verdict (the app shell's badge, on every page: numbers only, no texts). */
export async function waitingCount(db: CatalogDb, workspaceId: string, userId: string): Promise<number> {
  const open = await db.review.findMany({
    where: { workspaceId, status: "open", authorId: { not: userId } },
    select: { revisions: { orderBy: { number: "desc" }, take: 1, select: { number: true } }, decisions: { where: { userId }, select: { revision: true } } },
  });
  return open.filter((review) => !decidedLatest(review.revisions[0]?.number, review.decisions)).length;
}

/** Open reviews that change a notebook, for its page. */
export async function openReviewsOf(db: CatalogDb, workspaceId: string, slug: string): Promise<{ number: number; title: string }[]> {
  const open = await db.review.findMany({ where: { workspaceId, status: "open" }, orderBy: { number: "desc" }, include: { revisions: { orderBy: { number: "desc" }, take: 1, select: { notebooks: true } } } });
  return open.filter((review) => z.array(revisionNotebookSchema).parse(review.revisions[0]?.notebooks ?? []).some((nb) => nb.slug === slug)).map((review) => ({ number: review.number, title: review.title }));
}

/** The promoted review behind each promotion id. */
export async function reviewsOfPromotions(db: CatalogDb, workspaceId: string, promotionIds: readonly string[]): Promise<Map<string, { number: number; title: string }>> {
  const rows = await db.review.findMany({ where: { workspaceId, promotionId: { in: [...promotionIds] } }, select: { number: true, title: true, promotionId: true } });
  return new Map(rows.flatMap((row) => (row.promotionId === null ? [] : [[row.promotionId, { number: row.number, title: row.title }] as const])));
}

/** Where an asset's production version came from: the promotion that last changed it, its review and its git commit (either may be absent). */
export async function productionSourceOf(db: CatalogDb, workspaceId: string, asset: string): Promise<{ promotedAt: Date; review: { number: number; title: string } | null; commit: string | null } | null> {
  const promotion = await db.promotion.findFirst({ where: { workspaceId, changed: { has: asset } }, orderBy: { seq: "desc" }, select: { id: true, promotedAt: true } });
  if (promotion === null) return null;
  const review = await db.review.findFirst({ where: { workspaceId, promotionId: promotion.id }, select: { number: true, title: true, revisions: { orderBy: { number: "desc" }, take: 1, select: { commit: true } } } });
  // A commit of the branch production follows, promoted by the branch sync.
  const synced = review === null ? await db.gitCommit.findFirst({ where: { workspaceId, promotionId: promotion.id }, select: { sha: true } }) : null;
  return { promotedAt: promotion.promotedAt, review: review === null ? null : { number: review.number, title: review.title }, commit: review?.revisions[0]?.commit ?? synced?.sha ?? null };
}
