// GET: the review as Markdown, for a pull-request comment (`assetbook review open --summary FILE`).
import { requiredRole } from "@/lib/auth";
import { reviewSummary } from "@/lib/reviews/summary";
import { reviewView } from "@/lib/reviews/view";
import { appConfig } from "@/app/_lib/config";
import { route, RouteError } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { reviewParams } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const GET = route({ role: requiredRole("read"), params: reviewParams }, async ({ params, request }) => {
  const view = await withReviews((deps) => reviewView(deps, params.number));
  if (view === null) throw new RouteError(404, `no review #${params.number}`);
  // The link readers follow from the pull request: the configured address, else the one asked.
  const base = appConfig().baseUrl ?? new URL(request.url).origin;
  const markdown = reviewSummary(view, new URL(`reviews/${view.review.number}`, base.endsWith("/") ? base : `${base}/`).toString());
  return new Response(markdown, { headers: { "content-type": "text/markdown; charset=utf-8", "cache-control": "no-store" } });
});
