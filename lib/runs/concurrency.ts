// Concurrency limits of production runs. A run draws from pools: `workspace`, `notebook:<slug>`
// and `tag:<t>` for its front matter's tags, held from before it starts running until it ends;
// each attempt of an asset draws from `asset:<name>` and `tag:<t>` for the cell's own tags.
// A slot is a catalog row, taken only in a pool that has a limit; it counts while its run is
// queued or running, so a crashed worker's run keeps its slots until it is resumed or ends.
// A run counts once in a pool, whichever of its holders (the run, an asset) holds the slot.
import { sleep } from "../engine/executor";
import { z } from "zod";
import { LIVE_RUN_STATUSES, WORKSPACE_POOL, limitPool, tagPool } from "../catalog/concurrency-limits";
import { Prisma } from "../catalog/generated/client";
import { ConcurrencyScope as CONCURRENCY_SCOPE_ENUM, type ConcurrencyScope } from "../catalog/generated/enums";
import type { CatalogDb } from "../catalog/store";
import { runKeysOf } from "../notebook/schemas/run-keys";
import type { AssetCell } from "../notebook/types";

export interface Pool {
  name: string;
  /** From the notebook (notebook and asset pools); undefined: the workspace setting, if any, decides. */
  limit?: number;
}

export const RUN_HOLDER = "run";
export const assetHolder = (asset: string, partition: string | null) => (partition === null ? asset : `${asset}@${partition}`);

/** The pools a run of a notebook holds while it runs (those that may have a limit). */
export function runPools(slug: string, frontMatter: object): Pool[] {
  const keys = runKeysOf(frontMatter);
  return [{ name: WORKSPACE_POOL }, ...ownPool(`notebook:${slug}`, keys.concurrency), ...tagPools(keys.tags)];
}

/** The pools one attempt of an asset holds (those that may have a limit). */
export function assetPools(cell: AssetCell): Pool[] {
  const keys = runKeysOf(cell.config);
  return [...ownPool(`asset:${cell.name}`, keys.concurrency), ...tagPools(keys.tags)];
}

const ownPool = (name: string, limit: number | undefined): Pool[] => (limit === undefined ? [] : [{ name, limit }]);

const tagPools = (tags: string[] | undefined): Pool[] => [...new Set(tags ?? [])].map((t) => ({ name: tagPool(t) }));

export interface SlotRequest {
  workspaceId: string;
  runId: string;
  holder: string;
  pools: Pool[];
}

export type AcquireResult =
  | { status: "acquired" }
  | { status: "full"; pool: string; inUse: number; limit: number }
  /** The run is no longer queued or running (cancelled, or done by another attempt). */
  | { status: "finished" };

/**
 * Takes every pool of the request or none, in one transaction: advisory locks on the limited
 * pools (in one order, so two acquirers cannot deadlock), slots of finished runs deleted, use
 * counted. Idempotent: a slot this run already holds in a pool (any holder) leaves room.
 */
export async function tryAcquireSlots(db: CatalogDb, request: SlotRequest): Promise<AcquireResult> {
  const result = await acquireSlots(db, request);
  return result.status === "unlimited" ? { status: "acquired" } : result;
}

/** As tryAcquireSlots; "unlimited": no pool of the request has a limit, so no slot was taken. */
async function acquireSlots(db: CatalogDb, request: SlotRequest): Promise<AcquireResult | { status: "unlimited" }> {
  const { workspaceId, runId, holder } = request;
  if (request.pools.length === 0) return { status: "unlimited" };
  // Most workspaces limit nothing: one statement decides that, without a transaction. The
  // limits are read without a lock inside the transaction as well, so this sees no less.
  const first = await liveRunAndLimits(db, workspaceId, runId);
  if (first === "finished") return { status: "finished" };
  if (limitedPools(request.pools, first).length === 0) return { status: "unlimited" };
  return db.$transaction(
    async (tx) => {
      const run = await tx.run.findUnique({ where: { id: runId }, select: { status: true } });
      if (run === null || !isLive(run.status)) return { status: "finished" };
      const settings = await tx.concurrencyLimit.findMany({ where: { workspaceId } });
      const limited = limitedPools(request.pools, settings);
      if (limited.length === 0) return { status: "unlimited" };
      const names = limited.map((p) => p.name);
      const keys = names.map((name) => `${workspaceId}:${name}`);
      // OFFSET 0 keeps the sorted subquery as is, so the locks are taken in hash order.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest(${keys}::text[]) AS k ORDER BY h OFFSET 0) AS sorted`;
      await tx.concurrencySlot.deleteMany({ where: { workspaceId, pool: { in: names }, run: { status: { notIn: [...LIVE_RUN_STATUSES] } } } });
      const held = await tx.concurrencySlot.findMany({ where: { workspaceId, pool: { in: names } }, select: { pool: true, runId: true }, distinct: ["pool", "runId"] });
      for (const pool of limited) {
        const runs = held.filter((h) => h.pool === pool.name);
        if (runs.some((h) => h.runId === runId)) continue;
        if (runs.length >= pool.limit) return { status: "full", pool: pool.name, inUse: runs.length, limit: pool.limit };
      }
      await tx.concurrencySlot.createMany({ data: names.map((pool) => ({ workspaceId, runId, holder, pool })), skipDuplicates: true });
      return { status: "acquired" };
    },
    // Many workers may queue for the embedded store's one connection.
    { maxWait: 30_000, timeout: 30_000 },
  );
}

interface LimitSetting {
  scope: ConcurrencyScope;
  name: string;
  limit: number;
}

/** The pools of `pools` that have a limit (their own, or the workspace's setting), in lock order. */
function limitedPools(pools: Pool[], settings: LimitSetting[]): { name: string; limit: number }[] {
  const setting = new Map(settings.map((s) => [limitPool(s.scope, s.name), s.limit]));
  return pools
    .map((p) => ({ name: p.name, limit: p.limit ?? setting.get(p.name) }))
    .flatMap((p) => (p.limit === undefined ? [] : [{ name: p.name, limit: p.limit }]))
    .sort((a, b) => a.name.localeCompare(b.name));
}

const liveRunRow = z.object({ status: z.string(), scope: z.enum(Object.values(CONCURRENCY_SCOPE_ENUM)).nullable(), name: z.string().nullable(), limit: z.number().nullable() });

/** The workspace's limit settings while the run is live, in one statement; "finished" when it is not. */
async function liveRunAndLimits(db: CatalogDb, workspaceId: string, runId: string): Promise<LimitSetting[] | "finished"> {
  const rows = z.array(liveRunRow).parse(
    await db.$queryRaw`
      SELECT r.status::text AS status, l.scope::text AS scope, l.name, l."limit"
      FROM runs r LEFT JOIN concurrency_limits l ON l."workspaceId" = ${workspaceId}
      WHERE r.id = ${runId}`,
  );
  if (rows[0] === undefined || !isLive(rows[0].status)) return "finished";
  return rows.flatMap((r) => (r.scope === null || r.name === null || r.limit === null ? [] : [{ scope: r.scope, name: r.name, limit: r.limit }]));
}

/** After an attempt of an asset. */
export async function releaseSlots(db: CatalogDb, runId: string, holder: string): Promise<void> {
  await db.concurrencySlot.deleteMany({ where: { runId, holder } });
}

/** Every slot of the run, once it has ended; a run still queued or running (to be resumed) keeps them. */
export async function releaseEndedRun(db: CatalogDb, runId: string): Promise<void> {
  await db.concurrencySlot.deleteMany({ where: { runId, run: { status: { notIn: [...LIVE_RUN_STATUSES] } } } });
}

function isLive(status: string): boolean {
  return LIVE_RUN_STATUSES.some((s) => s === status);
}

export interface SlotPolling {
  /** First wait between tries; it grows by half each try up to maxMs, with jitter (default 50 ms to 1 s). */
  minMs: number;
  maxMs: number;
}

export const DEFAULT_SLOT_POLLING: SlotPolling = { minMs: 50, maxMs: 1_000 };

export interface WaitOptions {
  signal: AbortSignal;
  polling?: SlotPolling;
  random?: () => number;
  /** Once, when the first try finds a pool full. */
  onWaiting?: (full: { pool: string; inUse: number; limit: number }) => Promise<void>;
  /** Once, when slots are taken after waiting. */
  onAcquired?: () => Promise<void>;
}

/** How waiting ended; "unlimited": no pool of the request has a limit, nothing was taken (nor is to be released). */
export type WaitOutcome = "acquired" | "unlimited" | "finished" | "aborted";

/** Tries until the slots are taken, the run is no longer live, or the signal aborts. */
export async function waitForSlots(db: CatalogDb, request: SlotRequest, options: WaitOptions): Promise<WaitOutcome> {
  const { minMs, maxMs } = options.polling ?? DEFAULT_SLOT_POLLING;
  const random = options.random ?? Math.random;
  let delayMs = minMs;
  let waiting = false;
  while (!options.signal.aborted) {
    const result = await acquireSlots(db, request).catch((error: unknown) => {
      if (isTransactionConflict(error)) return null; // a deadlock or conflict with a release: try again
      throw error;
    });
    if (result?.status === "acquired" || result?.status === "unlimited") {
      if (waiting) await options.onAcquired?.();
      return result.status;
    }
    if (result?.status === "finished") return "finished";
    if (result?.status === "full" && !waiting) {
      waiting = true;
      await options.onWaiting?.(result);
    }
    await sleep(delayMs * (0.5 + random()), options.signal);
    delayMs = Math.min(maxMs, delayMs * 1.5);
  }
  return "aborted";
}

function isTransactionConflict(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2034";
}

