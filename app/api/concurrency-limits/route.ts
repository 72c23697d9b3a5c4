// GET: the workspace's concurrency limits, each with the runs holding it now (any member).
// PUT: set the workspace's or a tag's limit; DELETE: remove one (owners; both audited).
import {
  concurrencyLimitInputSchema,
  concurrencyTargetSchema,
  deleteConcurrencyLimit,
  listConcurrencyLimits,
  setConcurrencyLimit,
} from "@/lib/catalog/concurrency-limits";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";

export const GET = route({ role: "viewer" }, async () => {
  const { db, workspaceId } = await appContext();
  return Response.json({ limits: await listConcurrencyLimits(db, workspaceId) }, { headers: { "cache-control": "no-store" } });
});

export const PUT = route({ role: "owner", body: concurrencyLimitInputSchema }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  await setConcurrencyLimit(db, { workspaceId, actorId: signedIn(principal).userId, limit: body });
  return { limit: body };
});

export const DELETE = route({ role: "owner", body: concurrencyTargetSchema }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  const deleted = await deleteConcurrencyLimit(db, { workspaceId, actorId: signedIn(principal).userId, target: body });
  if (!deleted) throw new RouteError(404, body.scope === "tag" ? `no limit for the tag "${body.tag}"` : "no workspace limit");
  return { deleted: body };
});
