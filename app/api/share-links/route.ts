// GET: the workspace's share links (no tokens). POST: create a read-only link to the
// catalog, the lineage page, one asset or one review; the token is shown once, in the answer.
import { z } from "zod";
import { createShareLink, findAsset, listShareLinks, type ShareLinkTarget } from "@/lib/catalog";
import { route, RouteError, signedIn } from "@/app/_lib/route";
import { appContext } from "@/app/_lib/server-context";
import { shareLinkJson } from "@/app/_lib/share-view";

export const GET = route({ role: "editor" }, async () => {
  const { db, workspaceId } = await appContext();
  const links = await listShareLinks(db, workspaceId);
  const assetIds = links.flatMap((l) => (l.target.type === "asset" ? [l.target.assetId] : []));
  const assets = await db.asset.findMany({ where: { id: { in: assetIds } }, select: { id: true, name: true } });
  const names = new Map(assets.map((a) => [a.id, a.name]));
  return { links: links.map((l) => shareLinkJson(l, names)) };
});

const body = z.object({
  target: z.enum(["catalog", "lineage", "asset", "review"]),
  asset: z.string().min(1).max(200).optional(),
  /** The review's number, for target review. */
  review: z.number().int().positive().optional(),
  /** Hours until the link stops working; absent: no expiry. */
  expiresInHours: z.number().positive().max(24 * 366).optional(),
  allowSamples: z.boolean().default(false),
});

export const POST = route({ role: "editor", body }, async ({ body, principal }) => {
  const { db, workspaceId } = await appContext();
  let target: ShareLinkTarget;
  switch (body.target) {
    case "catalog":
    case "lineage":
      target = { type: body.target };
      break;
    case "asset": {
      const asset = body.asset ? await findAsset(db, workspaceId, body.asset) : null;
      if (!asset) throw new RouteError(404, "no such asset");
      target = { type: "asset", assetId: asset.id };
      break;
    }
    case "review": {
      const review = body.review === undefined ? null : await db.review.findUnique({ where: { workspaceId_number: { workspaceId, number: body.review } }, select: { id: true } });
      if (!review) throw new RouteError(404, "no such review");
      target = { type: "review", reviewId: review.id };
      break;
    }
    default: {
      const unreachable: never = body.target;
      throw new RouteError(400, `unknown target ${String(unreachable)}`);
    }
  }
  const expiresAt = body.expiresInHours === undefined ? null : new Date(Date.now() + body.expiresInHours * 3600_000);
  const { token, link } = await createShareLink(db, { workspaceId, target, createdById: signedIn(principal).userId, expiresAt, allowSamples: body.allowSamples });
  return Response.json({ id: link.id, url: `/share/${token}`, expiresAt: link.expiresAt?.toISOString() ?? null }, { status: 201, headers: { "cache-control": "no-store" } });
});
