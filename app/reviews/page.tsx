// /reviews: the workspace's reviews, filtered: open, mine, waiting for me, promoted, all.
import Link from "next/link";
import { z } from "zod";
import { listReviews } from "@/lib/reviews/store";
import { requireMember } from "@/app/_lib/page-session";
import { reviewFilterSchema } from "@/app/_lib/review-params";
import { appContext } from "@/app/_lib/server-context";
import "@/app/catalog/catalog.css";
import "@/app/runs/runs.css";
import "./reviews.css";

export const metadata = { title: "Reviews · Assetbook" };

const FILTERS = [
  ["open", "Open"],
  ["waiting", "Waiting for me"],
  ["mine", "Mine"],
  ["promoted", "Promoted"],
  ["all", "All"],
] as const;

const query = z.object({ filter: reviewFilterSchema.catch("open").default("open") });

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { principal } = await requireMember("viewer", "/reviews");
  const { filter } = query.parse(await searchParams);
  const { db, workspaceId } = await appContext();
  const reviews = await listReviews(db, workspaceId, filter, principal.userId);
  return (
    <div className="wide">
      <div className="page-head">
        <h1>Reviews</h1>
      </div>
      <nav className="review-filters" aria-label="Filter reviews">
        {FILTERS.map(([value, label]) => (
          <Link key={value} href={`/reviews?filter=${value}`} aria-current={value === filter ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      {reviews.length === 0 ? (
        <p className="empty">No reviews here. Propose one from a notebook&apos;s editor: Propose changes.</p>
      ) : (
        <table className="table" data-testid="reviews-table">
          <thead>
            <tr>
              <th>Review</th>
              <th>Status</th>
              <th>Notebooks</th>
              <th>Author</th>
              <th>Build</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {reviews.map((review) => (
              <tr key={review.id} data-review={review.number}>
                <td>
                  <Link href={`/reviews/${review.number}`}>
                    #{review.number} {review.title}
                  </Link>
                  <span className="muted"> · rev {review.revision} · {review.comments} comment{review.comments === 1 ? "" : "s"}</span>
                </td>
                <td>
                  <span className="pill" data-review-status={review.status}>
                    {review.status}
                  </span>
                </td>
                <td>{review.notebooks.join(", ")}</td>
                <td>{review.author.name}</td>
                <td>{review.build}</td>
                <td className="muted">{review.updatedAt.toISOString().replace("T", " ").slice(0, 16)} UTC</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
