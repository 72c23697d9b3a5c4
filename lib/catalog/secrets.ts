// Workspace secrets: set, list (names, allowed hosts and dates, never values), resolve on the server.
import { z } from "zod";
import { parseAllowedHosts } from "../secrets/allowed-hosts";
import type { BoundSecret, SecretResolver } from "../secrets/secrets";
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
  /** Hosts the value may be sent to (empty: any). Absent: a new secret gets none, an existing one keeps its own. */
  allowedHosts?: readonly string[];
}

/** Sets the value (and the allowed hosts when given); the audit entry records the hosts, never the value. */
export async function setSecret(db: CatalogDb, key: Buffer, input: SetSecretInput): Promise<void> {
  const name = secretNameSchema.parse(input.name);
  const allowedHosts = input.allowedHosts === undefined ? undefined : parseAllowedHosts(input.allowedHosts);
  const sealed = seal(key, input.value, aad(input.workspaceId, name));
  await retryOnUniqueViolation(() =>
    db.$transaction(async (tx) => {
      const saved = await tx.secret.upsert({
        where: { workspaceId_name: { workspaceId: input.workspaceId, name } },
        create: { workspaceId: input.workspaceId, name, ...sealed, allowedHosts: allowedHosts ?? [] },
        update: allowedHosts === undefined ? sealed : { ...sealed, allowedHosts },
        select: { allowedHosts: true },
      });
      await recordAudit(tx, {
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        action: "secret.set",
        targetType: "secret",
        targetId: name,
        data: { allowedHosts: saved.allowedHosts },
      });
    }),
  );
}

export interface SetAllowedHostsInput {
  workspaceId: string;
  name: string;
  allowedHosts: readonly string[];
  actorId: string | null;
}

/** Changes only where a secret may be sent; false when there is no such secret. */
export async function setSecretAllowedHosts(db: CatalogDb, input: SetAllowedHostsInput): Promise<boolean> {
  const allowedHosts = parseAllowedHosts(input.allowedHosts);
  const where = { workspaceId_name: { workspaceId: input.workspaceId, name: input.name } };
  return db.$transaction(async (tx) => {
    const previous = await tx.secret.findUnique({ where, select: { allowedHosts: true } });
    if (previous === null) return false;
    await tx.secret.update({ where, data: { allowedHosts } });
    await recordAudit(tx, {
      workspaceId: input.workspaceId,
      actorId: input.actorId,
      action: "secret.allowed_hosts",
      targetType: "secret",
      targetId: input.name,
      data: { allowedHosts, previous: previous.allowedHosts },
    });
    return true;
  });
}

export interface SecretListItem {
  name: string;
  /** Empty: the value may be sent to any host. */
  allowedHosts: string[];
  updatedAt: Date;
}

export async function listSecrets(db: CatalogDb, workspaceId: string): Promise<SecretListItem[]> {
  return db.secret.findMany({ where: { workspaceId }, select: { name: true, allowedHosts: true, updatedAt: true }, orderBy: { name: "asc" } });
}

/** The plaintext, or null when the workspace has no such secret. Throws SecretDecryptionError on a wrong key. */
export async function resolveSecret(db: CatalogDb, key: Buffer, workspaceId: string, name: string): Promise<string | null> {
  const row = await db.secret.findUnique({
    where: { workspaceId_name: { workspaceId, name } },
    select: { ciphertext: true, iv: true, tag: true },
  });
  return row ? open(key, row, aad(workspaceId, name)) : null;
}

/** Every secret of the workspace, decrypted, with its allowed hosts. Throws SecretDecryptionError on a wrong key. */
export async function workspaceSecrets(db: CatalogDb, key: Buffer, workspaceId: string): Promise<Map<string, BoundSecret>> {
  const rows = await db.secret.findMany({ where: { workspaceId }, select: { name: true, ciphertext: true, iv: true, tag: true, allowedHosts: true } });
  return new Map(rows.map((row) => [row.name, { value: open(key, row, aad(workspaceId, row.name)), allowedHosts: row.allowedHosts }]));
}

/**
 * What the server resolves `secret:NAME` with (production runs and previews alike): the
 * workspace's secret, bound to its allowed hosts, else an environment variable, but only one
 * the operator listed in ASSETBOOK_ENV_SECRETS (`envSecrets`, from lib/config): the server's
 * own variables (DATABASE_URL, ASSETBOOK_SECRET_KEY, …) must not be reachable by whoever writes a cell.
 */
export async function workspaceSecretResolver(
  db: CatalogDb,
  key: Buffer | null,
  workspaceId: string,
  envSecrets: readonly string[],
  env: Record<string, string | undefined>,
): Promise<SecretResolver> {
  const secrets = key === null ? new Map<string, BoundSecret>() : await workspaceSecrets(db, key, workspaceId);
  const exposed = new Set(envSecrets);
  return (name) => secrets.get(name) ?? (exposed.has(name) ? env[name] : undefined);
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
