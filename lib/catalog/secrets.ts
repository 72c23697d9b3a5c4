// Workspace secrets: set, list (names and dates only), resolve on the server.
import { z } from "zod";
import { recordAudit } from "./audit";
import { open, seal } from "./secret-box";
import type { CatalogDb } from "./store";
import { retryOnUniqueViolation } from "./unique";

/** What `secret:NAME` may name in a notebook. */
export const secretNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a secret name is letters, digits and _").max(128);

const aad = (workspaceId: string, name: string) => `assetbook-secret:${workspaceId}:${name}`;

export interface SetSecretInput {
  workspaceId: string;
  name: string;
  value: string;
  actorId: string | null;
}

export async function setSecret(db: CatalogDb, key: Buffer, input: SetSecretInput): Promise<void> {
  const name = secretNameSchema.parse(input.name);
  const sealed = seal(key, input.value, aad(input.workspaceId, name));
  await retryOnUniqueViolation(() =>
    db.$transaction(async (tx) => {
      await tx.secret.upsert({
        where: { workspaceId_name: { workspaceId: input.workspaceId, name } },
        create: { workspaceId: input.workspaceId, name, ...sealed },
        update: sealed,
      });
      await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "secret.set", targetType: "secret", targetId: name });
    }),
  );
}

export interface SecretListItem {
  name: string;
  updatedAt: Date;
}

export async function listSecrets(db: CatalogDb, workspaceId: string): Promise<SecretListItem[]> {
  return db.secret.findMany({ where: { workspaceId }, select: { name: true, updatedAt: true }, orderBy: { name: "asc" } });
}

/** The plaintext, or null when the workspace has no such secret. Throws SecretDecryptionError on a wrong key. */
export async function resolveSecret(db: CatalogDb, key: Buffer, workspaceId: string, name: string): Promise<string | null> {
  const row = await db.secret.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    select: { ciphertext: true, iv: true, tag: true },
  });
  return row ? open(key, row, aad(workspaceId, name)) : null;
}

export async function deleteSecret(db: CatalogDb, input: { workspaceId: string; name: string; actorId: string | null }): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.secret.deleteMany({ where: { workspaceId: input.workspaceId, name: input.name } });
    if (count > 0) {
      await recordAudit(tx, { workspaceId: input.workspaceId, actorId: input.actorId, action: "secret.delete", targetType: "secret", targetId: input.name });
    }
    return count > 0;
  });
}
