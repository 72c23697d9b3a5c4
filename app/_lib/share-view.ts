// Share links as the API and pages show them: never the token or its hash.
import type { ShareLinkView } from "@/lib/catalog";

export function shareLinkJson(link: ShareLinkView, assetNames: Map<string, string>) {
  const target = link.target.type === "asset" ? `asset ${assetNames.get(link.target.assetId) ?? "?"}` : link.target.type;
  return {
    id: link.id,
    target,
    allowSamples: link.allowSamples,
    expiresAt: link.expiresAt?.toISOString() ?? null,
    revokedAt: link.revokedAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
  };
}
