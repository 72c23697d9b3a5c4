// Workspace settings for concurrency limits of production runs: one for the whole workspace
// and one per tag. Notebook and asset limits live in the notebook (`concurrency:`); the
// slots that count against all of them are taken by the workers (lib/runs/concurrency.ts).
import { z } from "zod";
import { tagSchema } from "../notebook/schemas/run-keys";
import { recordAudit } from "./audit";
import type { ConcurrencyScope } from "./generated/client";
import type { CatalogDb } from "./store";
import { retryOnUniqueViolation } from "./unique";

/** A run holds its slots while it is queued (waiting to start) or running. */
export const LIVE_RUN_STATUSES = ["queued", "running"] as const;

export const WORKSPACE_POOL = "workspace";
export const tagPool = (tag: string) => `tag:${tag}`;

/** The pool a workspace setting limits. */
export function limitPool(scope: ConcurrencyScope, name: string): string {
  switch (scope) {
    case "workspace":
      return WORKSPACE_POOL;
    case "tag":
      return tagPool(name);
    default: {
      const unreachable: never = scope;
      throw new Error(`unknown concurrency scope ${String(unreachable)}`);
    }
  }
}

const limitSchema = z.number().int("a limit is a whole number").min(1, "a limit is at least 1").max(10_000);

/** Which limit: the workspace's, or a tag's. */
export const concurrencyTargetSchema = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("workspace") }),
  z.strictObject({ scope: z.literal("tag"), tag: tagSchema }),
]);
export type ConcurrencyTarget = z.infer<typeof concurrencyTargetSchema>;

export const concurrencyLimitInputSchema = z.discriminatedUnion("scope", [
  z.strictObject({ scope: z.literal("workspace"), limit: limitSchema }),
  z.strictObject({ scope: z.literal("tag"), tag: tagSchema, limit: limitSchema }),
]);
export type ConcurrencyLimitInput = z.infer<typeof concurrencyLimitInputSchema>;

const nameOf = (target: ConcurrencyTarget) => (target.scope === "tag" ? target.tag : "");

export interface ConcurrencyLimitView {
  scope: ConcurrencyScope;
  /** The tag; "" for the workspace. */
  name: string;
  pool: string;
  limit: number;
  /** Runs holding a slot of the pool now. */
  inUse: number;
}

/** The workspace limit first, then tags by name, each with its current use. */
export async function listConcurrencyLimits(db: CatalogDb, workspaceId: string): Promise<ConcurrencyLimitView[]> {
  const limits = await db.concurrencyLimit.findMany({ where: { workspaceId }, orderBy: [{ scope: "asc" }, { name: "asc" }] });
  const usage = await poolUsage(db, workspaceId, limits.map((l) => limitPool(l.scope, l.name)));
  return limits.map((l) => {
    const pool = limitPool(l.scope, l.name);
    return { scope: l.scope, name: l.name, pool, limit: l.limit, inUse: usage.get(pool) ?? 0 };
  });
}

/** Runs (queued or running) holding a slot, per pool: a run counts once in a pool. */
export async function poolUsage(db: CatalogDb, workspaceId: string, pools: string[]): Promise<Map<string, number>> {
  const held = await db.concurrencySlot.findMany({
    where: { workspaceId, pool: { in: pools }, run: { status: { in: [...LIVE_RUN_STATUSES] } } },
    select: { pool: true, runId: true },
    distinct: ["pool", "runId"],
  });
  const usage = new Map<string, number>();
  for (const { pool } of held) usage.set(pool, (usage.get(pool) ?? 0) + 1);
  return usage;
}

export async function setConcurrencyLimit(db: CatalogDb, input: { workspaceId: string; actorId: string | null; limit: ConcurrencyLimitInput }): Promise<void> {
  const parsed = concurrencyLimitInputSchema.parse(input.limit);
  const key = { workspaceId: input.workspaceId, scope: parsed.scope, name: nameOf(parsed) };
  await retryOnUniqueViolation(() =>
    db.$transaction(async (tx) => {
      await tx.concurrencyLimit.upsert({ where: { workspaceId_scope_name: key }, create: { ...key, limit: parsed.limit }, update: { limit: parsed.limit } });
      await recordAudit(tx, {
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        action: "concurrency_limit.set",
        targetType: "concurrency_limit",
        targetId: limitPool(key.scope, key.name),
        data: { limit: parsed.limit },
      });
    }),
  );
}

/** False when there was no such limit. */
export async function deleteConcurrencyLimit(db: CatalogDb, input: { workspaceId: string; actorId: string | null; target: ConcurrencyTarget }): Promise<boolean> {
  const target = concurrencyTargetSchema.parse(input.target);
  return db.$transaction(async (tx) => {
    const { count } = await tx.concurrencyLimit.deleteMany({ where: { workspaceId: input.workspaceId, scope: target.scope, name: nameOf(target) } });
    if (count > 0) {
      await recordAudit(tx, {
        workspaceId: input.workspaceId,
        actorId: input.actorId,
        action: "concurrency_limit.delete",
        targetType: "concurrency_limit",
        targetId: limitPool(target.scope, nameOf(target)),
      });
    }
    return count > 0;
  });
}
