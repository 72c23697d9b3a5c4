// /reviews/N: one review, with what the member may do on it.
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { can } from "@/lib/auth";
import { reviewView } from "@/lib/reviews/view";
import { requireMember } from "@/app/_lib/page-session";
import { withReviews } from "@/app/_lib/review-data";
import { ReviewBody } from "../_components/ReviewBody";
import "@/app/catalog/catalog.css";
import "@/app/runs/runs.css";
import "@/app/components/lifecycle.css";
import "../reviews.css";

export const metadata = { title: "Review · Assetbook" };

const params = z.object({ number: z.coerce.number().int().positive().max(1_000_000_000) });

export default async function ReviewPage(props: { params: Promise<{ number: string }> }) {
  const parsed = params.safeParse(await props.params);
  if (!parsed.success) notFound();
  const { number } = parsed.data;
  const { principal } = await requireMember("viewer", `/reviews/${number}`);
  const view = await withReviews((deps) => reviewView(deps, number));
  if (view === null) notFound();
  const role = principal.role;
  return (
    <div className="wide">
      <div className="page-head">
        <h1>
          <Link href="/reviews">Reviews</Link> / #{number} {view.review.title}
        </h1>
      </div>
      <ReviewBody
        view={view}
        access={{
          comment: can(role, "comment_review"),
          decide: can(role, "approve_review"),
          promote: can(role, "promote_review"),
          propose: can(role, "propose_review"),
          share: can(role, "create_share_link"),
          isAuthor: view.review.author.id === principal.userId,
          samples: true,
        }}
      />
    </div>
  );
}
