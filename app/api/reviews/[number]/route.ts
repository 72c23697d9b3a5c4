// GET: a review as its page shows it (the page polls it while the build runs).
import { requiredRole } from "@/lib/auth";
import { reviewView } from "@/lib/reviews/view";
import { route, RouteError } from "@/app/_lib/route";
import { withReviews } from "@/app/_lib/review-data";
import { reviewParams } from "@/app/_lib/review-params";

export const runtime = "nodejs";

export const GET = route({ role: requiredRole("read"), params: reviewParams }, async ({ params }) => {
  const view = await withReviews((deps) => reviewView(deps, params.number));
  if (view === null) throw new RouteError(404, `no review #${params.number}`);
  return { ...view };
});
