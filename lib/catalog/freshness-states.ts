// The freshness of every asset that has a policy, evaluated against production's
// materializations and kept in the catalog: the current state (asset_freshness) and each
// change of state (freshness_events, the history). Two schedulers evaluating at once write
// one event per change: events are unique by (asset, state, since), and only the one that
// inserted it reports the change.
import { z } from "zod";
import { freshnessSchema } from "../notebook/schemas/common";
import { evaluateFreshness, FRESHNESS_STATES, type FreshnessState } from "../schedule/freshness";
import type { FreshnessPolicy } from "../notebook/types";
import type { CatalogDb } from "./store";

export interface FreshnessChange {
  assetId: string;
  asset: string;
  state: FreshnessState;
  since: Date;
  /** The state it left; null on the policy's first evaluation. */
  previous: FreshnessState | null;
  policy: FreshnessPolicy;
}

const stateSchema = z.enum(FRESHNESS_STATES);

/** Evaluates every policy of the workspace at `now`; returns the changes of state this call recorded. */
export async function evaluateFreshnessStates(db: CatalogDb, workspaceId: string, now: Date): Promise<FreshnessChange[]> {
  const assets = await db.asset.findMany({
    where: { workspaceId },
    select: { id: true, name: true, freshnessPolicy: true, freshness: { select: { state: true, since: true, trackedSince: true } } },
  });
  const tracked = assets.flatMap((asset) => {
    const policy = asset.freshnessPolicy === null ? null : freshnessSchema.safeParse(asset.freshnessPolicy);
    return policy?.success ? [{ ...asset, policy: policy.data }] : [];
  });
  // A policy removed from its notebook leaves no state behind.
  await db.assetFreshness.deleteMany({ where: { asset: { workspaceId }, assetId: { notIn: tracked.map((asset) => asset.id) } } });
  if (tracked.length === 0) return [];
  const lastSuccess = await lastProductionSuccess(db, tracked.map((asset) => asset.id));
  const changes: FreshnessChange[] = [];
  const unchanged: string[] = [];
  for (const asset of tracked) {
    const current = asset.freshness;
    const trackedSince = current?.trackedSince ?? now;
    const verdict = evaluateFreshness(asset.policy, lastSuccess.get(asset.id) ?? null, trackedSince, now);
    if (current !== null && current.state === verdict.state && current.since.getTime() === verdict.since.getTime()) {
      unchanged.push(asset.id);
      continue;
    }
    const previous = current === null ? null : stateSchema.parse(current.state);
    const row = { state: verdict.state, since: verdict.since, evaluatedAt: now };
    const inserted = await db.$transaction(async (tx) => {
      await tx.assetFreshness.upsert({ where: { assetId: asset.id }, create: { assetId: asset.id, trackedSince, ...row }, update: row });
      // A fresh asset refreshed again stays fresh: its `since` moves, and that is no event.
      if (previous === verdict.state) return false;
      const { count } = await tx.freshnessEvent.createMany({ data: [{ assetId: asset.id, state: verdict.state, since: verdict.since, previous, createdAt: now }], skipDuplicates: true });
      return count > 0;
    });
    if (inserted) changes.push({ assetId: asset.id, asset: asset.name, state: verdict.state, since: verdict.since, previous, policy: asset.policy });
  }
  if (unchanged.length > 0) await db.assetFreshness.updateMany({ where: { assetId: { in: unchanged } }, data: { evaluatedAt: now } });
  return changes;
}

/** Each asset's latest successful production materialization (any partition). */
async function lastProductionSuccess(db: CatalogDb, assetIds: string[]): Promise<Map<string, Date>> {
  const rows = await db.materialization.groupBy({
    by: ["assetId"],
    where: { assetId: { in: assetIds }, environment: "production", status: "succeeded" },
    _max: { createdAt: true },
  });
  return new Map(rows.flatMap((row) => (row._max.createdAt === null ? [] : [[row.assetId, row._max.createdAt] as const])));
}

export interface FreshnessView {
  state: FreshnessState;
  since: Date;
  evaluatedAt: Date;
  policy: FreshnessPolicy;
}

export interface FreshnessEventView {
  state: FreshnessState;
  previous: FreshnessState | null;
  since: Date;
  at: Date;
}

/** An asset's freshness state and its history (newest first), or null when it has no policy or was not evaluated yet. */
export async function assetFreshness(db: CatalogDb, assetId: string, limit = 50): Promise<{ current: FreshnessView; history: FreshnessEventView[] } | null> {
  const row = await db.assetFreshness.findUnique({ where: { assetId }, include: { asset: { select: { freshnessPolicy: true } } } });
  const policy = freshnessSchema.safeParse(row?.asset.freshnessPolicy);
  if (row === null || !policy.success) return null;
  const events = await db.freshnessEvent.findMany({ where: { assetId }, orderBy: { createdAt: "desc" }, take: limit });
  return {
    current: { state: stateSchema.parse(row.state), since: row.since, evaluatedAt: row.evaluatedAt, policy: policy.data },
    history: events.map((event) => ({
      state: stateSchema.parse(event.state),
      previous: event.previous === null ? null : stateSchema.parse(event.previous),
      since: event.since,
      at: event.createdAt,
    })),
  };
}

export interface AssetFreshnessState {
  asset: string;
  state: FreshnessState;
  since: Date;
}

/** The freshness of a notebook's assets that have a policy, by asset name. */
export async function notebookFreshness(db: CatalogDb, workspaceId: string, slug: string): Promise<AssetFreshnessState[]> {
  const rows = await db.assetFreshness.findMany({
    where: { asset: { workspaceId, notebook: { slug } } },
    select: { state: true, since: true, asset: { select: { name: true } } },
    orderBy: { asset: { name: "asc" } },
  });
  return rows.map((row) => ({ asset: row.asset.name, state: stateSchema.parse(row.state), since: row.since }));
}
