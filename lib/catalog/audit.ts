// The audit log: who changed what. Never holds secret values or share tokens.
import type { AuditEntry, Prisma } from "./generated/client";
import type { CatalogDb } from "./store";

export type CatalogTx = Prisma.TransactionClient;

export interface AuditInput {
  workspaceId: string;
  /** Null for the system. */
  actorId: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Prisma.InputJsonValue;
}

export async function recordAudit(db: CatalogTx, entry: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      workspaceId: entry.workspaceId,
      actorId: entry.actorId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      ...(entry.data === undefined ? {} : { data: entry.data }),
    },
  });
}

/** Newest first. */
export async function listAudit(db: CatalogDb, workspaceId: string, limit = 100): Promise<AuditEntry[]> {
  return db.auditEntry.findMany({ where: { workspaceId }, orderBy: { id: "desc" }, take: limit });
}
