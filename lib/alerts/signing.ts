// The workspace's webhook signing secret: made on first use, sealed in the catalog like
// workspace secrets, shown to owners to configure their receivers, rotatable.
import { randomBytes } from "node:crypto";
import type { CatalogDb } from "../catalog/store";
import { open, seal } from "../catalog/secret-box";
import { isUniqueViolation } from "../catalog/unique";

const aad = (workspaceId: string) => `assetbook-alerts-signing:${workspaceId}`;
const newSecret = () => `whsec_${randomBytes(24).toString("base64url")}`;

export async function signingSecret(db: CatalogDb, key: Buffer, workspaceId: string): Promise<string> {
  const row = await db.alertSettings.findUnique({ where: { workspaceId } });
  if (row !== null) return open(key, row, aad(workspaceId));
  const secret = newSecret();
  try {
    await db.alertSettings.create({ data: { workspaceId, ...seal(key, secret, aad(workspaceId)) } });
    return secret;
  } catch (error) {
    // Two first uses at once: the other one's secret stands.
    if (!isUniqueViolation(error)) throw error;
    return signingSecret(db, key, workspaceId);
  }
}

/** A new secret; webhooks are signed with it from now on. */
export async function rotateSigningSecret(db: CatalogDb, key: Buffer, workspaceId: string): Promise<string> {
  const secret = newSecret();
  const sealed = seal(key, secret, aad(workspaceId));
  await db.alertSettings.upsert({ where: { workspaceId }, create: { workspaceId, ...sealed }, update: sealed });
  return secret;
}
