// Promotion and rollback: production's views, records and texts change in ONE warehouse
// transaction; nothing is recomputed. A promotion refuses, changing nothing, when the build
// is missing, failed, or stale (production moved under it since it was planned).
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { TxStep, Warehouse } from "../warehouse/types";
import type { SqlReferenceParser } from "../graph";
import { fingerprint } from "./fingerprint";
import { ASSETS_TABLE, NOTEBOOKS_TABLE, PRODUCTION, quoteIdent, quoteLiteral, relation } from "./layout";
import { planProject } from "./project";
import type { SqlSyntax } from "./syntax";
import type { Plan } from "./plan";
import { environments, promotions, servedState, versionTables, versionViews } from "./store";
import { transitionSteps, type ServedState } from "./transition";

export interface PromoteOptions {
  warehouse: Warehouse;
  productionSchema: string;
  env: string;
  /** Re-plans the environment's texts over production as it is now: what they would build must be what was built. */
  parser: SqlReferenceParser & SqlSyntax;
  now?: () => Date;
  /** Named points where crash tests kill the process (as the run service's crash points). */
  crash?: (point: PromotionCrashPoint) => void;
}

export const PROMOTION_CRASH_POINTS = ["before_transaction", "before_commit", "after_commit"] as const;
export type PromotionCrashPoint = (typeof PROMOTION_CRASH_POINTS)[number];

/** A partitioned notebook the promotion changed: production backfills its partitions other than `built` into the promoted versions. */
export interface PromotedBackfill {
  notebook: string;
  assets: string[];
  built: string[];
}

export type PromoteResult =
  | { ok: true; promotion: string; changed: string[]; backfill?: PromotedBackfill[] }
  | { ok: false; reason: string; stale?: { assets: string[]; notebooks: string[]; rebuild: string[] } };

const plannedAsset = z.object({
  asset: z.string(),
  notebook: z.string(),
  change: z.string(),
  build: z.boolean(),
  version: z.string().nullable(),
  productionVersion: z.string().nullable(),
  partitions: z.object({ build: z.array(z.string()) }).optional(),
});
const planSchema = z.object({
  hash: z.string(),
  assets: z.array(plannedAsset),
  notebooks: z.array(z.object({ slug: z.string(), change: z.enum(["added", "removed", "changed", "unchanged"]) })),
  base: z.object({ notebooks: z.record(z.string(), z.string().nullable()), versions: z.record(z.string(), z.string()) }),
  selection: z.string().optional(),
  excluded: z.array(z.string()).optional(),
});

/** What of production moved since `plan` was made: inputs read in place, and the texts it changes. */
export function staleness(plan: { base: Plan["base"] }, production: ServedState): { assets: string[]; notebooks: string[] } {
  const assets = Object.entries(plan.base.versions)
    .filter(([asset, version]) => production.assets[asset] !== version)
    .map(([asset]) => asset);
  const notebooks = Object.entries(plan.base.notebooks)
    .filter(([slug, text]) => {
      const current = production.notebooks[slug];
      return (current === undefined ? null : fingerprint(current)) !== text;
    })
    .map(([slug]) => slug);
  return { assets, notebooks };
}

function notebookGuard(slug: string, text: string | null): TxStep {
  const where = `env = ${quoteLiteral(PRODUCTION)} AND slug = ${quoteLiteral(slug)}`;
  return text === null
    ? { guard: { sql: `SELECT 1 AS ok WHERE NOT EXISTS (SELECT 1 FROM ${NOTEBOOKS_TABLE} WHERE ${where})`, message: `notebook "${slug}" appeared in production while promoting` } }
    : { guard: { sql: `UPDATE ${NOTEBOOKS_TABLE} SET text = text WHERE ${where} AND text = ${quoteLiteral(text)} RETURNING slug`, message: `notebook "${slug}" changed in production while promoting` } };
}

/**
 * Production tables (written by `assetbook run` before the first promotion) where a view
 * is about to go: renamed aside to `<table>__pre`, in the same transaction, keeping their data.
 */
async function tablesUnderViews(warehouse: Warehouse, schema: string, names: readonly string[]): Promise<TxStep[]> {
  if (names.length === 0) return [];
  const rows = await warehouse.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = ${quoteLiteral(schema)} AND table_type = 'BASE TABLE' AND table_name IN (${names.map(quoteLiteral).join(", ")})`,
  );
  return rows.flatMap((row) => {
    const name = String(row.table_name);
    return [{ sql: `DROP TABLE IF EXISTS ${relation(schema, `${name}__pre`)}` }, { sql: `ALTER TABLE ${relation(schema, name)} RENAME TO ${quoteIdent(`${name}__pre`)}` }];
  });
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

export async function promoteEnvironment(options: PromoteOptions): Promise<PromoteResult> {
  const { warehouse, env } = options;
  const record = (await environments(warehouse)).find((candidate) => candidate.env === env);
  if (!record) return { ok: false, reason: `environment "${env}" has no build: run \`assetbook build … --env ${env}\` first` };
  if (record.status !== "built") return { ok: false, reason: `environment "${env}" is not built (its last build is ${record.status}): build it again` };
  const plan = planSchema.parse(record.plan);
  if (plan.excluded !== undefined && plan.excluded.length > 0) {
    // Its notebook texts hold changes it did not build: promoting them would serve old data under new definitions.
    return {
      ok: false,
      reason: `environment "${env}" was built with --select "${plan.selection ?? ""}", which leaves out changes to ${plan.excluded.join(", ")}: build it without --select to promote it`,
    };
  }
  const production = await servedState(warehouse, PRODUCTION);
  const envState = await servedState(warehouse, env);
  // Promoted already (the same environment twice): production serves its texts and versions.
  const changes = plan.notebooks.filter((nb) => nb.change !== "unchanged");
  const served =
    changes.length > 0 &&
    changes.every((nb) => production.notebooks[nb.slug] === (nb.change === "removed" ? undefined : envState.notebooks[nb.slug])) &&
    plan.assets.every((asset) => !asset.build || production.assets[asset.asset] === envState.assets[asset.asset]);
  if (served) return { ok: false, reason: `environment "${env}" is already production: nothing to promote` };
  // The environment's texts planned again over production as it is now: anything that plan
  // would build that the environment does not serve (a new reader of a changed table, an
  // input that moved) makes the build stale.
  // Only the notebooks the environment changes: the others are production's as they are now.
  const proposed = plan.notebooks
    .filter((nb) => nb.change !== "unchanged")
    .map((nb) => ({ slug: nb.slug, text: nb.change === "removed" ? null : (envState.notebooks[nb.slug] ?? null) }));
  const replanned = await planProject(warehouse, env, proposed, options.parser);
  if (!replanned.ok) return { ok: false, reason: `the environment's notebooks no longer plan over production: ${replanned.issues.map((issue) => issue.message).join("; ")}` };
  const unbuilt = replanned.plan.assets.filter((asset) => asset.build && asset.version !== envState.assets[asset.asset]).map((asset) => asset.asset);
  const stale = staleness(plan, production);
  if (stale.assets.length > 0 || stale.notebooks.length > 0 || unbuilt.length > 0) {
    const parts = [
      ...stale.assets.map((asset) => `production's "${asset}" is now another version`),
      ...stale.notebooks.map((slug) => `notebook "${slug}" changed in production`),
    ];
    return {
      ok: false,
      reason: `the build of "${env}" is stale: ${[...parts, ...(unbuilt.length > 0 ? [`${unbuilt.join(", ")} would be built differently now`] : [])].join("; ")}. Run \`assetbook build … --env ${env}\` again.`,
      stale: { ...stale, rebuild: unbuilt },
    };
  }
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
  const views = await versionViews(warehouse);
  // What the plan builds on is checked again under the transaction, its rows locked.
  const baseGuards: TxStep[] = [
    ...Object.entries(plan.base.versions).map(([asset, version]) => guard(asset, version)),
    ...Object.keys(plan.base.notebooks).map((slug) => notebookGuard(slug, production.notebooks[slug] ?? null)),
  ];
  const steps: TxStep[] = [
    ...baseGuards,
    ...changedAssets.map((asset) => guard(asset.asset, asset.productionVersion)),
    ...(await tablesUnderViews(warehouse, options.productionSchema, changedAssets.flatMap((asset) => tables.get(to.assets[asset.asset] ?? "") ?? []))),
    ...transitionSteps({
      productionSchema: options.productionSchema,
      from: production,
      to,
      tablesOf: (version) => tables.get(version) ?? [],
      viewOf: (version) => views.get(version),
      record: { id, seq: await nextSeq(warehouse), env, planHash: plan.hash, at: (options.now ?? (() => new Date()))() },
    }),
  ];
  const crash = options.crash ?? (() => undefined);
  crash("before_transaction");
  await warehouse.transaction(steps, { beforeCommit: async () => crash("before_commit") });
  crash("after_commit");
  return { ok: true, promotion: id, changed: changedAssets.map((asset) => asset.asset), backfill: backfillOf(changedAssets) };
}

/** The partitioned notebooks among the promoted assets, with the partitions the environment built. */
function backfillOf(assets: readonly z.infer<typeof plannedAsset>[]): PromotedBackfill[] {
  const byNotebook = new Map<string, PromotedBackfill>();
  for (const asset of assets) {
    if (!asset.partitions) continue;
    const entry = byNotebook.get(asset.notebook) ?? { notebook: asset.notebook, assets: [], built: asset.partitions.build };
    entry.assets.push(asset.asset);
    byNotebook.set(asset.notebook, entry);
  }
  return [...byNotebook.values()];
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
  const views = await versionViews(warehouse);
  const id = randomUUID();
  const steps = transitionSteps({
    productionSchema: options.productionSchema,
    from: production,
    to: target.before,
    tablesOf: (version) => tables.get(version) ?? [],
    viewOf: (version) => views.get(version),
    record: { id, seq: (history[0]?.seq ?? 0) + 1, env: `rollback:${target.id}`, planHash: "", at: (options.now ?? (() => new Date()))() },
  });
  await warehouse.transaction(steps);
  const changed = Object.keys({ ...production.assets, ...target.before.assets }).filter((asset) => production.assets[asset] !== target.before.assets[asset]).sort();
  return { ok: true, promotion: id, changed };
}
