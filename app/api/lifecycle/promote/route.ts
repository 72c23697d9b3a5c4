// POST: promotes an environment's build (`assetbook promote`); a refusal is the answer `{ ok: false, reason }`,
// changing nothing. The catalog follows the warehouse after a promotion. 403 while the workspace
// promotes only approved reviews. Audited: production changed.
import { z } from "zod";
import { recordAudit } from "@/lib/catalog";
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { assertPlainPromoteOpen } from "@/app/_lib/review-data";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { envNameSchema } from "@/lib/lifecycle/layout";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ env: envNameSchema }) }, async ({ body, principal }) => {
  await assertPlainPromoteOpen();
  const result = await withLifecycleOps((ops) => ops.promote(body.env));
  if (result.ok) {
    const { db, workspaceId } = await appContext();
    await recordAudit(db, { workspaceId, actorId: signedIn(principal).userId, action: "production.promote", targetType: "promotion", targetId: result.promotion, data: { env: body.env, changed: result.changed } });
  }
  return { ...result };
});
