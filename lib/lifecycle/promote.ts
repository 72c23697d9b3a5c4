// Promotion and rollback: production's views, records and texts change in ONE warehouse
// transaction; nothing is recomputed. A promotion refuses, changing nothing, when the build
// is missing, failed, or stale (production moved under it since it was planned).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TxStep, Warehouse } from "../warehouse/types";
import { fingerprint } from "./fingerprint";
import { ASSETS_TABLE, PRODUCTION, quoteLiteral } from "./layout";
import type { Plan } from "./plan";
import { environments, promotions, servedState, versionTables } from "./store";
import { transitionSteps, type ServedState } from "./transition";

export interface PromoteOptions {
  warehouse: Warehouse;
  productionSchema: string;
  env: string;
  now?: () => Date;
  /** Named points where crash tests kill the process (as the run service's crash points). */
  crash?: (point: PromotionCrashPoint) => void;
}

export const PROMOTION_CRASH_POINTS = ["before_transaction", "before_commit", "after_commit"] as const;
export type PromotionCrashPoint = (typeof PROMOTION_CRASH_POINTS)[number];

export type PromoteResult =
  | { ok: true; promotion: string; changed: string[] }
  | { ok: false; reason: string; stale?: { assets: string[]; notebooks: string[]; rebuild: string[] } };

const plannedAsset = z.object({ asset: z.string(), change: z.string(), build: z.boolean(), version: z.string().nullable(), productionVersion: z.string().nullable() });
const planSchema = z.object({
  hash: z.string(),
  assets: z.array(plannedAsset),
  notebooks: z.array(z.object({ slug: z.string(), change: z.enum(["added", "removed", "changed", "unchanged"]) })),
  base: z.object({ notebooks: z.record(z.string(), z.string().nullable()), versions: z.record(z.string(), z.string()) }),
});

/** What of production moved since `plan` was made: the reason a promotion refuses. */
export function staleness(plan: { base: Plan["base"]; assets: readonly { asset: string; build: boolean }[] }, production: ServedState, reads: (asset: string) => readonly string[]): { assets: string[]; notebooks: string[]; rebuild: string[] } {
  const assets = Object.entries(plan.base.versions)
    .filter(([asset, version]) => production.assets[asset] !== version)
    .map(([asset]) => asset);
  const notebooks = Object.entries(plan.base.notebooks)
    .filter(([slug, text]) => {
      const current = production.notebooks[slug];
      return (current === undefined ? null : fingerprint(current)) !== text;
    })
    .map(([slug]) => slug);
  const moved = new Set(assets);
  const rebuild = plan.assets.filter((asset) => asset.build && reads(asset.asset).some((input) => moved.has(input))).map((asset) => asset.asset);
  return { assets, notebooks, rebuild };
}

function guard(asset: string, version: string | null): TxStep {
  const where = `env = ${quoteLiteral(PRODUCTION)} AND asset = ${quoteLiteral(asset)}`;
  return version === null
    ? { guard: { sql: `SELECT 1 AS ok WHERE NOT EXISTS (SELECT 1 FROM ${ASSETS_TABLE} WHERE ${where})`, message: `production gained asset "${asset}" while promoting` } }
    : { guard: { sql: `UPDATE ${ASSETS_TABLE} SET version = version WHERE ${where} AND version = ${quoteLiteral(version)} RETURNING asset`, message: `production's "${asset}" changed while promoting` } };
}

async function nextSeq(warehouse: Warehouse): Promise<number> {
  const [latest] = await promotions(warehouse);
  return (latest?.seq ?? 0) + 1;
}

export async function promoteEnvironment(options: PromoteOptions, reads: (asset: string) => readonly string[] = () => []): Promise<PromoteResult> {
  const { warehouse, env } = options;
  const record = (await environments(warehouse)).find((candidate) => candidate.env === env);
  if (!record) return { ok: false, reason: `environment "${env}" has no build: run \`assetbook build … --env ${env}\` first` };
  if (record.status !== "built") return { ok: false, reason: `environment "${env}" is not built (its last build is ${record.status}): build it again` };
  const plan = planSchema.parse(record.plan);
  const production = await servedState(warehouse, PRODUCTION);
  const stale = staleness(plan, production, reads);
  if (stale.assets.length > 0 || stale.notebooks.length > 0) {
    const parts = [
      ...stale.assets.map((asset) => `production's "${asset}" is now another version`),
      ...stale.notebooks.map((slug) => `notebook "${slug}" changed in production`),
    ];
    const again = stale.rebuild.length > 0 ? `rebuild ${stale.rebuild.join(", ")}` : "build again";
    return { ok: false, reason: `the build of "${env}" is stale: ${parts.join("; ")}. Run \`assetbook build … --env ${env}\` to ${again}.`, stale };
  }
  const envState = await servedState(warehouse, env);
  const changedAssets = plan.assets.filter((asset) => asset.build || asset.change === "removed");
  const to: ServedState = { assets: { ...production.assets }, notebooks: { ...production.notebooks } };
  for (const asset of changedAssets) {
    if (asset.change === "removed") delete to.assets[asset.asset];
    else {
      const version = envState.assets[asset.asset];
      if (version === undefined) return { ok: false, reason: `environment "${env}" has no version of "${asset.asset}": build it again` };
      to.assets[asset.asset] = version;
    }
  }
  for (const nb of plan.notebooks) {
    if (nb.change === "removed") delete to.notebooks[nb.slug];
    else if (nb.change !== "unchanged") {
      const text = envState.notebooks[nb.slug];
      if (text === undefined) return { ok: false, reason: `environment "${env}" lost notebook "${nb.slug}": build it again` };
      to.notebooks[nb.slug] = text;
    }
  }
  const id = randomUUID();
  const tables = await versionTables(warehouse);
  const steps: TxStep[] = [
    ...changedAssets.map((asset) => guard(asset.asset, asset.productionVersion)),
    ...transitionSteps({
      productionSchema: options.productionSchema,
      from: production,
      to,
      tablesOf: (version) => tables.get(version) ?? [],
      record: { id, seq: await nextSeq(warehouse), env, planHash: plan.hash, at: (options.now ?? (() => new Date()))() },
    }),
  ];
  const crash = options.crash ?? (() => undefined);
  crash("before_transaction");
  await warehouse.transaction(steps, { beforeCommit: async () => crash("before_commit") });
  crash("after_commit");
  return { ok: true, promotion: id, changed: changedAssets.map((asset) => asset.asset) };
}

export interface RollbackOptions {
  warehouse: Warehouse;
  productionSchema: string;
  /** The promotion to undo (default: the latest). */
  to?: string;
  now?: () => Date;
}

/** Points production back to what it served before a promotion, in one step, while those versions are kept. */
export async function rollback(options: RollbackOptions): Promise<PromoteResult> {
  const { warehouse } = options;
  const history = await promotions(warehouse);
  const target = options.to === undefined ? history[0] : history.find((promotion) => promotion.id === options.to);
  if (!target) return { ok: false, reason: options.to === undefined ? "nothing to roll back: production was never promoted" : `no promotion "${options.to}"` };
  const tables = await versionTables(warehouse);
  const missing = Object.entries(target.before.assets).filter(([, version]) => !tables.has(version)).map(([asset]) => asset);
  if (missing.length > 0) return { ok: false, reason: `cannot roll back: the old versions of ${missing.join(", ")} are no longer kept` };
  const production = await servedState(warehouse, PRODUCTION);
  const id = randomUUID();
  const steps = transitionSteps({
    productionSchema: options.productionSchema,
    from: production,
    to: target.before,
    tablesOf: (version) => tables.get(version) ?? [],
    record: { id, seq: (history[0]?.seq ?? 0) + 1, env: `rollback:${target.id}`, planHash: "", at: (options.now ?? (() => new Date()))() },
  });
  await warehouse.transaction(steps);
  const changed = Object.keys({ ...production.assets, ...target.before.assets }).filter((asset) => production.assets[asset] !== target.before.assets[asset]).sort();
  return { ok: true, promotion: id, changed };
}
