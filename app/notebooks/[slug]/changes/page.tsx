// /notebooks/<slug>/changes: the working copy against production. The plan (what is added,
// removed, changed, and what a build rebuilds), the last build with its checks, the data
// diff of each changed asset, Build and Promote; production's promotions with Roll back.
import { utcTime } from "@/app/_lib/when";
import Link from "next/link";
import { notFound } from "next/navigation";
import { roleAtLeast } from "@/lib/auth";
import { formatIssue } from "@/lib/notebook/types";
import { notebookChanges } from "@/lib/runs/notebook-changes";
import { cellChanges, describeChanges } from "@/lib/workspace/changes";
import { isSlug } from "@/lib/workspace/slug";
import { withChanges } from "@/app/_lib/lifecycle-data";
import { plainPromoteRefusal } from "@/lib/reviews/service";
import { openReviewsOf, reviewsOfPromotions } from "@/lib/reviews/store";
import { appContext } from "@/app/_lib/server-context";
import { requireMember } from "@/app/_lib/page-session";
import { BuildOutcomes, DiffView, PlanTable } from "@/app/components/LifecycleViews";
import { ChangesActions, RollbackButton } from "./ChangesActions";
import "@/app/catalog/catalog.css";
import "@/app/runs/runs.css";
import "@/app/components/lifecycle.css";

export const metadata = { title: "Changes · Assetbook" };

export default async function ChangesPage(props: { params: Promise<{ slug: string }> }) {
  const { slug } = await props.params;
  if (!isSlug(slug)) notFound();
  const { principal } = await requireMember("viewer", `/notebooks/${slug}/changes`);
  const changes = await withChanges((deps) => notebookChanges(deps, slug));
  if (changes.working === null && changes.production === null) notFound();
  const canChange = roleAtLeast(principal.role, "editor");
  const summary = changes.working === null ? "Deleted: promoting removes its assets from production" : describeChanges(cellChanges(changes.production, changes.working), changes.production !== null);
  const { plan, build } = changes;
  const toBuild = plan.ok ? plan.plan.build.length : 0;
  const { db, workspaceId } = await appContext();
  const reviewOnly = await plainPromoteRefusal({ db, workspaceId });
  const canPromote = reviewOnly === null && plan.ok && build !== null && build.current && build.status === "built";
  // This notebook's history: the promotions that changed its text (and the first start).
  const history = changes.promotions.filter((promotion) => promotion.env === "initial" || promotion.notebooks.includes(slug));
  const reviewOf = await reviewsOfPromotions(db, workspaceId, history.map((promotion) => promotion.id));
  const openReviews = await openReviewsOf(db, workspaceId, slug);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>
          <Link href={`/notebooks/${slug}`}>{slug}</Link> / Changes
        </h1>
      </div>
      <p className="lede" data-testid="changes-summary">
        {summary}. Builds go into the environment <code>{changes.env}</code>; production is not touched until you promote.
      </p>

      <section className="card">
        <h2>Plan</h2>
        {plan.ok ? <PlanTable plan={plan.plan} /> : <pre className="run-error" role="alert">{plan.issues.map(formatIssue).join("\n")}</pre>}
      </section>

      <section className="card" data-testid="build">
        <h2>Build</h2>
        {build === null ? (
          <p className="muted">Not built yet.{toBuild > 0 ? ` A build runs ${toBuild} asset${toBuild === 1 ? "" : "s"}; the others are read from production in place.` : ""}</p>
        ) : (
          <>
            <p className="run-status">
              <span className="pill" data-run-status={build.status === "built" ? "succeeded" : build.status === "failed" ? "failed" : "running"} data-testid="build-status">
                {build.status}
              </span>
              {build.at ? <span className="muted">{utcTime(build.at)}</span> : null}
              {build.current ? null : <span className="changes-stale">The working copy changed since this build: build again to promote it.</span>}
            </p>
            <BuildOutcomes outcomes={build.outcomes} />
          </>
        )}
        {canChange ? <ChangesActions slug={slug} canBuild={plan.ok} canPromote={canPromote} /> : null}
        {reviewOnly !== null ? (
          <p className="changes-stale" data-testid="review-only">
            This workspace promotes only approved reviews: propose the change from the editor (Propose changes).
            {openReviews.map((review) => (
              <span key={review.number}>
                {" "}
                <Link href={`/reviews/${review.number}`}>Review #{review.number}</Link>
              </span>
            ))}
          </p>
        ) : null}
      </section>

      {changes.diff !== null ? (
        <section className="card" data-testid="diff">
          <h2>Data diff against production</h2>
          {Object.keys(changes.diff).length === 0 ? <p className="muted">No table changes.</p> : null}
          {Object.entries(changes.diff).map(([asset, diff]) => (
            <DiffView key={asset} asset={asset} diff={diff} />
          ))}
        </section>
      ) : null}

      <section className="card" data-testid="promotions">
        <h2>Production history</h2>
        {history.length === 0 ? <p className="muted">Production has not been promoted yet.</p> : null}
        <ol className="changes-history">
          {history.map((promotion, index) => {
            const review = reviewOf.get(promotion.id);
            return (
              <li key={promotion.id} data-testid="promotion">
                <span className="muted">#{promotion.seq}</span> {promotion.env.startsWith("rollback:") ? "rollback" : promotion.env === "initial" ? "first start" : <code>{promotion.env}</code>}{" "}
                {review ? (
                  <Link href={`/reviews/${review.number}`} data-testid="promotion-review">
                    review #{review.number} {review.title} (code and data diff)
                  </Link>
                ) : null}{" "}
                <span className="muted">{utcTime(promotion.promotedAt)}</span> · {promotion.changed.length > 0 ? promotion.changed.join(", ") : "no asset changed"}
                {canChange && promotion.env !== "initial" && !promotion.env.startsWith("rollback:") ? <RollbackButton to={promotion.id} label={index === 0 ? "Roll back" : `Roll back to before #${promotion.seq}`} /> : null}
              </li>
            );
          })}
        </ol>
      </section>
    </div>
  );
}
