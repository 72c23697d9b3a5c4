// Reads of the lifecycle's records in a warehouse (lib/lifecycle/layout.ts): what each
// environment serves, its texts, its plan, the versions and the promotions.
import { z } from "zod";
import type { Warehouse } from "../warehouse/types";
import { ASSETS_TABLE, BUILDS_TABLE, CREATE_LIFECYCLE_SQL, META_SCHEMA, NOTEBOOKS_TABLE, PLANS_TABLE, PROMOTIONS_TABLE, quoteLiteral, VERSIONS_TABLE, VIEWS_TABLE } from "./layout";
import type { ServedState } from "./transition";
import type { AssetDiff } from "./env-diff";

export type LifecycleWarehouse = Pick<Warehouse, "query" | "exec">;

export async function ensureLifecycleTables(warehouse: LifecycleWarehouse): Promise<void> {
  for (const sql of CREATE_LIFECYCLE_SQL) await warehouse.exec(sql);
}

const countRow = z.object({ n: z.union([z.number(), z.bigint(), z.string()]) });
const assetRow = z.object({ asset: z.string(), version: z.string() });
const notebookRow = z.object({ slug: z.string(), text: z.string() });

/** What an environment serves (production: `production`). Empty when it has none. */
export async function servedState(warehouse: LifecycleWarehouse, env: string): Promise<ServedState> {
  const assets = z.array(assetRow).parse(await warehouse.query(`SELECT asset, version FROM ${ASSETS_TABLE} WHERE env = ${quoteLiteral(env)} ORDER BY asset`));
  const notebooks = z.array(notebookRow).parse(await warehouse.query(`SELECT slug, text FROM ${NOTEBOOKS_TABLE} WHERE env = ${quoteLiteral(env)} ORDER BY slug`));
  return {
    assets: Object.fromEntries(assets.map((row) => [row.asset, row.version])),
    notebooks: Object.fromEntries(notebooks.map((row) => [row.slug, row.text])),
  };
}

/** Whether production has ever been promoted (then production runs use only its promoted texts). */
export async function hasPromotedProduction(warehouse: LifecycleWarehouse): Promise<boolean> {
  const tables = await warehouse.query(`SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = ${quoteLiteral(META_SCHEMA)} AND table_name = 'lc_promotions'`);
  if (Number(countRow.parse(tables[0]).n) === 0) return false;
  const rows = await warehouse.query(`SELECT count(*) AS n FROM ${PROMOTIONS_TABLE}`);
  return Number(countRow.parse(rows[0]).n) > 0;
}

const versionRow = z.object({ version: z.string(), asset: z.string(), tables: z.string() });

/** Each version's tables. */
export async function versionTables(warehouse: LifecycleWarehouse): Promise<Map<string, string[]>> {
  const rows = z.array(versionRow).parse(await warehouse.query(`SELECT version, asset, tables FROM ${VERSIONS_TABLE}`));
  return new Map(rows.map((row) => [row.version, z.array(z.string()).parse(JSON.parse(row.tables))]));
}

const viewRow = z.object({ version: z.string(), sql: z.string() });

/** Each view asset version's SQL. */
export async function versionViews(warehouse: LifecycleWarehouse): Promise<Map<string, string>> {
  const rows = z.array(viewRow).parse(await warehouse.query(`SELECT version, sql FROM ${VIEWS_TABLE}`));
  return new Map(rows.map((row) => [row.version, row.sql]));
}

const planRow = z.object({ env: z.string(), plan: z.string(), status: z.enum(["planned", "building", "built", "failed"]), updated_at: z.unknown() });
export type PlanStatus = z.infer<typeof planRow>["status"];

export interface EnvironmentRecord {
  env: string;
  status: PlanStatus;
  plan: unknown;
}

export async function environments(warehouse: LifecycleWarehouse): Promise<EnvironmentRecord[]> {
  const rows = z.array(planRow).parse(await warehouse.query(`SELECT env, plan, status, updated_at FROM ${PLANS_TABLE} ORDER BY env`));
  return rows.map((row) => ({ env: row.env, status: row.status, plan: JSON.parse(row.plan) }));
}

/** A stored TIMESTAMP (UTC): a Date from PostgreSQL, an ISO text from DuckDB. */
const storedTime = z.union([z.date(), z.string()]).transform((value) => (value instanceof Date ? value : new Date(/(Z|[+-]\d\d(:?\d\d)?)$/.test(value) ? value : `${value.replace(" ", "T")}Z`)));

const promotionRow = z.object({ id: z.string(), seq: z.union([z.number(), z.bigint(), z.string()]), env: z.string(), plan_hash: z.string(), before_state: z.string(), after_state: z.string(), promoted_at: storedTime });
const servedStateSchema = z.object({ assets: z.record(z.string(), z.string()), notebooks: z.record(z.string(), z.string()) });

export interface PromotionRecord {
  id: string;
  seq: number;
  env: string;
  planHash: string;
  before: ServedState;
  after: ServedState;
  at: Date;
}


/** Promotions and rollbacks, newest first. */
export async function promotions(warehouse: LifecycleWarehouse): Promise<PromotionRecord[]> {
  const rows = z.array(promotionRow).parse(await warehouse.query(`SELECT id, seq, env, plan_hash, before_state, after_state, promoted_at FROM ${PROMOTIONS_TABLE} ORDER BY seq DESC`));
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    env: row.env,
    planHash: row.plan_hash,
    before: servedStateSchema.parse(JSON.parse(row.before_state)),
    after: servedStateSchema.parse(JSON.parse(row.after_state)),
    at: row.promoted_at,
  }));
}

const checkResult = z.object({ check: z.string(), severity: z.string(), passed: z.boolean(), failures: z.number(), error: z.string().optional() });
const outcomeRow = z.object({ asset: z.string(), kind: z.string(), status: z.string(), rows: z.number().optional(), durationMs: z.number(), checks: z.array(checkResult), reason: z.string().optional(), partition: z.string().optional() });
export type BuiltOutcome = z.infer<typeof outcomeRow>;
const buildRow = z.object({ outcomes: z.string(), ok: z.union([z.boolean(), z.number()]), built_at: storedTime, diff: z.string().nullable() });
/** A stored diff, as env-diff.ts wrote it (per asset: a DataDiff, or why there is none). */
const storedDiff = z.record(z.string(), z.custom<AssetDiff>((value) => typeof value === "object" && value !== null && ("rows" in value || "error" in value)));

/** The outcome of an environment's last build (and its stored diff), or null when it has none. */
export async function lastBuild(warehouse: LifecycleWarehouse, env: string): Promise<{ ok: boolean; at: Date; outcomes: BuiltOutcome[]; diff: Record<string, AssetDiff> | null } | null> {
  const [row] = await warehouse.query(`SELECT outcomes, ok, built_at, diff FROM ${BUILDS_TABLE} WHERE env = ${quoteLiteral(env)}`);
  if (row === undefined) return null;
  const build = buildRow.parse(row);
  return {
    ok: Boolean(build.ok),
    at: build.built_at,
    outcomes: z.array(outcomeRow).parse(JSON.parse(build.outcomes)),
    diff: build.diff === null ? null : storedDiff.parse(JSON.parse(build.diff)),
  };
}

/** Stores the data diff of an environment's last build. */
export async function storeBuildDiff(warehouse: LifecycleWarehouse, env: string, diff: Record<string, AssetDiff>): Promise<void> {
  await warehouse.exec(`UPDATE ${BUILDS_TABLE} SET diff = ${quoteLiteral(JSON.stringify(diff))} WHERE env = ${quoteLiteral(env)}`);
}
