// POST: promotes an environment's build (`assetbook promote`); a refusal is the answer `{ ok: false, reason }`,
// changing nothing. The catalog follows the warehouse after a promotion. 403 while the workspace
// promotes only approved reviews.
import { z } from "zod";
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { assertPlainPromoteOpen } from "@/app/_lib/review-data";
import { route } from "@/app/_lib/route";
import { envNameSchema } from "@/lib/lifecycle/layout";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ env: envNameSchema }) }, async ({ body }) => {
  await assertPlainPromoteOpen();
  return { ...(await withLifecycleOps((ops) => ops.promote(body.env))) };
});
