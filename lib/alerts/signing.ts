// The workspace's webhook signing secret: made on first use, sealed in the catalog like
// workspace secrets, shown to owners to configure their receivers, rotatable.
import type { CatalogDb } from "../catalog/store";
import { rotateSealedSecret, sealedSecret, type SealedRow } from "../catalog/sealed-secret";

const aad = (workspaceId: string) => `assetbook-alerts-signing:${workspaceId}`;

function settingsRow(db: CatalogDb, workspaceId: string): SealedRow {
  return {
    read: () => db.alertSettings.findUnique({ where: { workspaceId } }),
    create: async (sealed) => void (await db.alertSettings.create({ data: { workspaceId, ...sealed } })),
    replace: async (sealed) => void (await db.alertSettings.upsert({ where: { workspaceId }, create: { workspaceId, ...sealed }, update: sealed })),
  };
}

export async function signingSecret(db: CatalogDb, key: Buffer, workspaceId: string): Promise<string> {
  return sealedSecret(key, aad(workspaceId), settingsRow(db, workspaceId));
}

/** A new secret; webhooks are signed with it from now on. */
export async function rotateSigningSecret(db: CatalogDb, key: Buffer, workspaceId: string): Promise<string> {
  return rotateSealedSecret(key, aad(workspaceId), settingsRow(db, workspaceId));
}
