// Read-only share links. The token (32 bytes from the CSPRNG, base64url) is
// shown once, at creation; only its sha256 is stored.
import { z } from "zod";
import { recordAudit } from "./audit";
import type { ShareLink } from "./generated/client";
import type { CatalogDb } from "./store";
import { TOKEN_BODY, hashToken, newToken } from "./tokens";

export type ShareLinkTarget = { type: "catalog" } | { type: "lineage" } | { type: "asset"; assetId: string } | { type: "review"; reviewId: string };

export interface CreateShareLinkInput {
  workspaceId: string;
  target: ShareLinkTarget;
  createdById: string;
  expiresAt?: Date | null;
  allowSamples?: boolean;
}

/** A link as pages may see it: no token, no hash. */
export interface ShareLinkView {
  id: string;
  workspaceId: string;
  target: ShareLinkTarget;
  allowSamples: boolean;
  expiresAt: Date | null;
  revokedAt: Date | null;
  createdById: string;
  createdAt: Date;
}

const tokenSchema = z.string().regex(TOKEN_BODY);

export function hashShareToken(token: string): string {
  return hashToken(token);
}

function targetOf(link: ShareLink): ShareLinkTarget {
  switch (link.target) {
    case "catalog":
      return { type: "catalog" };
    case "lineage":
      return { type: "lineage" };
    case "asset":
      if (link.assetId === null) throw new Error(`share link ${link.id} targets an asset but has none`);
      return { type: "asset", assetId: link.assetId };
    case "review":
      if (link.reviewId === null) throw new Error(`share link ${link.id} targets a review but has none`);
      return { type: "review", reviewId: link.reviewId };
    default: {
      const unreachable: never = link.target;
      throw new Error(`unknown share target ${String(unreachable)}`);
    }
  }
}

function toView(link: ShareLink): ShareLinkView {
  return {
    id: link.id,
    workspaceId: link.workspaceId,
    target: targetOf(link),
    allowSamples: link.allowSamples,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt,
    createdById: link.createdById,
    createdAt: link.createdAt,
  };
}

export async function createShareLink(db: CatalogDb, input: CreateShareLinkInput): Promise<{ token: string; link: ShareLinkView }> {
  const token = newToken();
  const link = await db.$transaction(async (tx) => {
    const row = await tx.shareLink.create({
      data: {
        workspaceId: input.workspaceId,
        tokenHash: hashShareToken(token),
        target: input.target.type,
        assetId: input.target.type === "asset" ? input.target.assetId : null,
        reviewId: input.target.type === "review" ? input.target.reviewId : null,
        allowSamples: input.allowSamples ?? false,
        expiresAt: input.expiresAt ?? null,
        createdById: input.createdById,
      },
    });
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actorId: input.createdById,
      action: "share_link.create",
      targetType: "share_link",
      targetId: row.id,
      data: { target: row.target, expiresAt: row.expiresAt?.toISOString() ?? null, allowSamples: row.allowSamples },
    });
    return row;
  });
  return { token, link: toView(link) };
}

/** The link a token opens, or null (answer 404) when unknown, revoked or expired at `now`. */
export async function verifyShareLink(db: CatalogDb, token: string, now: Date = new Date()): Promise<ShareLinkView | null> {
  if (!tokenSchema.safeParse(token).success) return null;
  const link = await db.shareLink.findUnique({ where: { tokenHash: hashShareToken(token) } });
  if (!link || link.revokedAt !== null) return null;
  if (link.expiresAt !== null && link.expiresAt.getTime() <= now.getTime()) return null;
  return toView(link);
}

/** True when the link was active and is now revoked. */
export async function revokeShareLink(db: CatalogDb, input: { workspaceId: string; id: string; actorId: string; now?: Date }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.shareLink.updateMany({
      where: { id: input.id, workspaceId: input.workspaceId, revokedAt: null },
      data: { revokedAt: input.now ?? new Date() },
    });
    if (count > 0) {
      await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "share_link.revoke", targetType: "share_link", targetId: input.id });
    }
    return count > 0;
  });
}

/** Newest first. */
export async function listShareLinks(db: CatalogDb, workspaceId: string): Promise<ShareLinkView[]> {
  const rows = await db.shareLink.findMany({ where: { workspaceId }, orderBy: { createdAt: "desc" } });
  return rows.map(toView);
}
