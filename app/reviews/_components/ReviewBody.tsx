// A review as people read it, for members and for read-only links alike: what is proposed
// and why, the rules' state, each notebook cell by cell with its plan label and code diff
// and line comments, the prose diff, the build, the data diff, and the conversation.
import Markdown from "react-markdown";
import type { ReviewView, ReviewThread } from "@/lib/reviews/view";
import type { ReviewCell } from "@/lib/reviews/cells";
import type { AssetDiff } from "@/lib/lifecycle/env-diff";
import { BuildOutcomes, DiffView, PlanTable } from "@/app/components/LifecycleViews";
import { CellDiff } from "./CellDiff";
import { CommentForm } from "./CommentForm";
import { BuildPoller, ResolveButton, ReviewActions, ShareReview, type ReviewPermissions } from "./ReviewActions";

export interface ReviewAccess extends ReviewPermissions {
  comment: boolean;
  /** Sample rows of the data diff (a read-only link shows them only when it allows samples). */
  samples: boolean;
}

export const READ_ONLY: ReviewAccess = { comment: false, decide: false, promote: false, propose: false, share: false, isAuthor: false, samples: false };

const when = (date: Date) => `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;

const STATUS_LABEL: Record<ReviewCell["status"], string> = { added: "added", removed: "removed", changed: "changed", moved: "moved", unchanged: "unchanged" };

function Thread({ thread, number, access }: { thread: ReviewThread; number: number; access: ReviewAccess }) {
  return (
    <div className="review-thread" data-testid="thread" data-resolved={thread.resolved !== null} data-outdated={thread.placement?.outdated ?? false}>
      {thread.placement ? (
        <p className="review-thread__anchor">
          {thread.placement.outdated ? (
            <span className="review-badge review-badge--outdated">outdated</span>
          ) : null}{" "}
          line {thread.placement.line}
          {thread.placement.outdated ? ` of revision ${thread.placement.revision}` : ""}: <code>{thread.lineText}</code>
        </p>
      ) : null}
      {[thread, ...thread.replies].map((comment) => (
        <div key={comment.id} className="review-comment">
          <p className="review-comment__meta">
            <strong>{comment.author.name}</strong> <span className="muted">on revision {comment.revision} · {when(comment.at)}</span>
          </p>
          <div className="review-comment__body">
            <Markdown>{comment.body}</Markdown>
          </div>
        </div>
      ))}
      {thread.resolved ? <p className="muted">Resolved.</p> : null}
      {access.comment ? (
        <div className="form-row review-thread__actions">
          <CommentForm reviewNumber={number} target={{ threadId: thread.id }} label="Reply" compact />
          <ResolveButton number={number} threadId={thread.id} resolved={thread.resolved !== null} />
        </div>
      ) : null}
    </div>
  );
}

function diffWithoutSamples(diff: AssetDiff, samples: boolean): AssetDiff {
  return samples || "error" in diff ? diff : { ...diff, sample: [] };
}

export function ReviewBody({ view, access }: { view: ReviewView; access: ReviewAccess }) {
  const { review, current } = view;
  const number = review.number;
  const open = review.status === "open";
  const threadsOf = (notebook: string, cell: string) => view.threads.filter((t) => t.notebook === notebook && t.cell === cell);
  const general = view.threads.filter((t) => t.notebook === null || t.cell === null);
  const planOf = new Map(current.plan.assets.map((asset) => [asset.asset, asset]));
  const building = open && (current.buildStatus === "queued" || current.buildStatus === "building");
  return (
    <>
      <BuildPoller active={building} />
      <section className="card review-summary">
        <p className="review-meta">
          <span className="pill" data-review-status={review.status} data-testid="review-status">
            {review.status}
          </span>{" "}
          <strong>{review.author.name}</strong> proposed {view.notebooks.map((nb) => nb.slug).join(", ")} · revision {current.number} of {view.revisions.length} · {when(review.createdAt)}
          {review.branch ? (
            <span className="muted" data-testid="review-branch">
              {" "}
              · branch <code>{review.branch}</code>
            </span>
          ) : null}
        </p>
        {review.description.trim() !== "" ? (
          <div className="review-description">
            <Markdown>{review.description}</Markdown>
          </div>
        ) : null}
        <div className="review-verdicts" data-testid="verdicts">
          <span className="muted">
            {view.policy.approvals === 0 ? "No approval required." : `${view.policy.approvals} approval${view.policy.approvals === 1 ? "" : "s"} required.`}
          </span>
          {view.verdicts.map((v) => (
            <span key={v.user.id} className="review-verdict" data-verdict={v.verdict} data-current={v.current}>
              {v.verdict === "approved" ? "✓ approved" : "✗ changes requested"} by {v.user.name}
              {v.current ? "" : ` (revision ${v.revision}, reset)`}
            </span>
          ))}
        </div>
        <ReviewActions number={number} revision={current.number} open={open} gate={view.gate} can={access} />
        {access.share ? <ShareReview number={number} /> : null}
      </section>

      {view.notebooks.map((nb) => (
        <section key={nb.slug} className="card review-notebook" data-testid="review-notebook" data-notebook={nb.slug}>
          <h2>
            {nb.slug}.md <span className="muted">· {nb.change}</span>
          </h2>
          {nb.cells.map((cell) => {
            const planned = planOf.get(cell.key);
            const threads = threadsOf(nb.slug, cell.key);
            return (
              <div key={cell.key} className="review-cell" data-testid="review-cell" data-cell={cell.key} data-status={cell.status}>
                <div className="review-cell__head">
                  <code>{cell.headerAfter ?? cell.headerBefore}</code>
                  <span className="review-badge" data-status={cell.status}>
                    {STATUS_LABEL[cell.status]}
                  </span>
                  {planned && planned.change !== "unchanged" ? (
                    <span className="changes-change" data-change={planned.change}>
                      {planned.change.replace("_", "-")}
                    </span>
                  ) : null}
                  {planned?.build ? <span className="muted">rebuilt{planned.reason ? `: ${planned.reason}` : ""}</span> : null}
                  {cell.headerBefore !== null && cell.headerAfter !== null && cell.headerBefore !== cell.headerAfter ? (
                    <span className="muted">
                      was <code>{cell.headerBefore}</code>
                    </span>
                  ) : null}
                </div>
                {cell.edited ? <CellDiff reviewNumber={number} notebook={nb.slug} cell={cell} commentedLines={threads.flatMap((t) => (t.placement && !t.placement.outdated ? [t.placement.line] : []))} canComment={access.comment} /> : null}
                {threads.map((thread) => (
                  <Thread key={thread.id} thread={thread} number={number} access={access} />
                ))}
              </div>
            );
          })}
          {nb.prose.length > 0 ? (
            <div className="review-prose" data-testid="prose-diff">
              <h3>Prose</h3>
              <pre>
                {nb.prose.map((part, index) => (
                  <span key={index} className={`review-prose__${part.kind}`}>
                    {part.text
                      .replace(/\n$/, "")
                      .split("\n")
                      .map((line) => `${part.kind === "added" ? "+ " : part.kind === "removed" ? "− " : "  "}${line}`)
                      .join("\n")}
                    {"\n"}
                  </span>
                ))}
              </pre>
            </div>
          ) : null}
        </section>
      ))}

      <section className="card">
        <h2>Plan against production</h2>
        <PlanTable plan={current.plan} />
      </section>

      <section className="card" data-testid="build">
        <h2>Build</h2>
        <p className="run-status">
          <span className="pill" data-run-status={current.buildStatus === "built" ? "succeeded" : current.buildStatus === "failed" ? "failed" : current.buildStatus === "queued" ? "queued" : "running"} data-testid="build-status">
            {current.buildStatus}
          </span>
          <span className="muted">
            in <code>{review.env}</code>
            {current.builtAt ? ` · ${when(current.builtAt)}` : ""}
          </span>
        </p>
        {current.buildError ? <pre className="run-error">{current.buildError}</pre> : null}
        {current.outcomes.length > 0 ? <BuildOutcomes outcomes={current.outcomes} /> : <p className="muted">{building ? "Waiting for a worker…" : "Nothing was built."}</p>}
      </section>

      {current.buildStatus === "built" && current.diff !== null ? (
        <section className="card" data-testid="diff">
          <h2>Data diff against production</h2>
          {Object.keys(current.diff).length === 0 ? <p className="muted">No table changes.</p> : null}
          {Object.entries(current.diff).map(([asset, diff]) => (
            <DiffView key={asset} asset={asset} diff={diffWithoutSamples(diff, access.samples)} />
          ))}
        </section>
      ) : null}

      <section className="card" data-testid="conversation">
        <h2>Conversation</h2>
        {general.length === 0 ? <p className="muted">No comments on the review as a whole yet.</p> : null}
        {general.map((thread) => (
          <Thread key={thread.id} thread={thread} number={number} access={access} />
        ))}
        {access.comment ? <CommentForm reviewNumber={number} target={{}} label="Comment on the review" /> : null}
        <ol className="review-revisions">
          {view.revisions.map((revision) => (
            <li key={revision.number}>
              Revision {revision.number} by {revision.author.name} · {when(revision.at)} · build {revision.build}
              {revision.commit ? (
                <>
                  {" "}
                  · commit <code title={revision.commit}>{revision.commit.slice(0, 12)}</code>
                </>
              ) : null}
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
