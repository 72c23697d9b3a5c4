// What a review's page (and GET /api/reviews/N) shows, assembled from the catalog and the
// warehouse: the current revision's notebooks cell by cell, its plan, build and data diff,
// the conversation with each line comment placed on the current code, verdicts, the gate.
import type { Warehouse } from "../warehouse/types";
import type { CatalogDb } from "../catalog";
import { placeComment, type Placement } from "./anchor";
import { cellCode, reviewNotebook, type NotebookReview } from "./cells";
import { verdictState, type Gate, type ReviewPolicy, type Verdict } from "./rules";
import { reviewGate, workspacePolicy } from "./service";
import { loadReview, type LoadedReview, type LoadedRevision } from "./store";

interface Person {
  id: string;
  name: string;
  email: string;
}

export interface ReviewComment {
  id: string;
  author: Person;
  body: string;
  revision: number;
  at: Date;
}

export interface ReviewThread extends ReviewComment {
  notebook: string | null;
  cell: string | null;
  /** Where a line comment sits on the current revision's code (outdated: its line changed). */
  placement: Placement | null;
  lineText: string | null;
  resolved: { by: string | null; at: Date } | null;
  replies: ReviewComment[];
}

export interface ReviewView {
  review: Pick<LoadedReview, "id" | "number" | "title" | "description" | "status" | "env" | "promotionId" | "createdAt" | "closedAt" | "branch"> & { author: Person };
  revisions: { number: number; at: Date; author: Person; build: LoadedRevision["buildStatus"]; commit: string | null }[];
  current: Pick<LoadedRevision, "number" | "plan" | "buildStatus" | "outcomes" | "diff" | "buildError" | "builtAt">;
  notebooks: NotebookReview[];
  threads: ReviewThread[];
  verdicts: { user: Person; verdict: Verdict; revision: number; at: Date; current: boolean }[];
  policy: ReviewPolicy;
  gate: Gate;
}

const person = (p: Person): Person => ({ id: p.id, name: p.name, email: p.email });

export async function reviewView(deps: { db: CatalogDb; workspaceId: string; warehouse: Warehouse }, number: number): Promise<ReviewView | null> {
  const review = await loadReview(deps.db, deps.workspaceId, number);
  const current = review?.revisions.at(-1);
  if (review === null || current === undefined) return null;
  const textAt = (revision: number, slug: string) => review.revisions.find((r) => r.number === revision)?.notebooks.find((nb) => nb.slug === slug)?.text ?? null;
  const roots = review.comments.filter((comment) => comment.threadId === null);
  const threads: ReviewThread[] = roots.map((root) => ({
    id: root.id,
    author: person(root.author),
    body: root.body,
    revision: root.revision,
    at: root.createdAt,
    notebook: root.notebook,
    cell: root.cell,
    lineText: root.lineText,
    placement:
      root.notebook !== null && root.cell !== null && root.line !== null
        ? placeComment({ revision: root.revision, line: root.line }, current.number, (n) => cellCode(root.notebook ?? "", textAt(n, root.notebook ?? ""), root.cell ?? ""))
        : null,
    resolved: root.resolvedAt === null ? null : { by: root.resolvedById, at: root.resolvedAt },
    replies: review.comments.filter((reply) => reply.threadId === root.id).map((reply) => ({ id: reply.id, author: person(reply.author), body: reply.body, revision: reply.revision, at: reply.createdAt })),
  }));
  const state = verdictState(
    review.decisions.map((d) => ({ userId: d.userId, revision: d.revision, verdict: d.verdict, at: d.createdAt })),
    current.number,
    review.authorId,
  );
  // Each member's last verdict; `current` when it still counts on this revision.
  const lastByUser = new Map(review.decisions.map((d) => [d.userId, d]));
  const verdicts = [...lastByUser.values()].map((d) => ({ user: person(d.user), verdict: d.verdict, revision: d.revision, at: d.createdAt, current: d.revision === current.number && d.userId !== review.authorId && (state.approvedBy.includes(d.userId) || state.changesRequestedBy.includes(d.userId)) }));
  const policy = await workspacePolicy(deps);
  return {
    review: { id: review.id, number: review.number, title: review.title, description: review.description, status: review.status, env: review.env, promotionId: review.promotionId, createdAt: review.createdAt, closedAt: review.closedAt, branch: review.branch, author: person(review.author) },
    revisions: review.revisions.map((r) => ({ number: r.number, at: r.createdAt, author: person(r.author), build: r.buildStatus, commit: r.commit })),
    current: { number: current.number, plan: current.plan, buildStatus: current.buildStatus, outcomes: current.outcomes, diff: current.diff, buildError: current.buildError, builtAt: current.builtAt },
    notebooks: current.notebooks.map((nb) => reviewNotebook(nb.slug, nb.base, nb.text)),
    threads,
    verdicts,
    policy,
    gate: await reviewGate(deps, review, policy),
  };
}
