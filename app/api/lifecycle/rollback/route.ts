// POST: points production back before a promotion, the latest by default (`assetbook rollback`).
// Audited: production changed.
import { z } from "zod";
import { recordAudit } from "@/lib/catalog";
import { withLifecycleOps } from "@/app/_lib/lifecycle-data";
import { route, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const runtime = "nodejs";

export const POST = route({ role: "editor", body: z.object({ to: z.string().min(1).max(100).optional() }) }, async ({ body, principal }) => {
  const result = await withLifecycleOps((ops) => ops.rollback(body.to));
  if (result.ok) {
    const { db, workspaceId } = await appContext();
    await recordAudit(db, { workspaceId, actorId: signedIn(principal).userId, action: "production.rollback", targetType: "promotion", targetId: result.promotion, data: { undone: body.to ?? "latest", changed: result.changed } });
  }
  return { ...result };
});
