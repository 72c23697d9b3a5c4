// A notebook's way to production from the app: its working copy planned over production,
// built into an environment of its own, diffed, and promoted (or production rolled back),
// with the catalog reconciled after each change of production. The page and the routes
// only call these.
import { createHash } from "node:crypto";
import type { CatalogDb } from "../catalog";
import { listPromotions, type ProductionPromotion } from "../catalog/production";
import type { RunEvent } from "../engine/events";
import type { SqlReferenceParser } from "../graph";
import { buildEnvironment, type BuildResult } from "../lifecycle/build";
import { dropEnvironment } from "../lifecycle/cleanup";
import { environmentDiff, type AssetDiff } from "../lifecycle/env-diff";
import { ENV_NAME_PATTERN, PRODUCTION } from "../lifecycle/layout";
import type { Plan } from "../lifecycle/plan";
import { planProject } from "../lifecycle/project";
import type { PromoteResult } from "../lifecycle/promote";
import { environments, lastBuild, servedState, storeBuildDiff, type BuiltOutcome, type PlanStatus } from "../lifecycle/store";
import type { SqlSyntax } from "../lifecycle/syntax";
import type { NotebookIssue } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { readNotebook } from "../workspace/notebook-files";
import type { ExtractSources } from "./materialize";
import { reconcileProduction } from "./production";
import { backfillPromoted } from "./promoted-backfill";
import type { RunTriggers } from "./trigger";
import { warehouseLifecycle, type LifecycleOps } from "./lifecycle-ops";

export interface ChangesDeps {
  db: CatalogDb;
  workspaceId: string;
  notebooksDir: string;
  warehouse: Warehouse;
  parser: SqlReferenceParser & SqlSyntax;
  extract?: ExtractSources;
  /** Starts production runs: a promotion's partition backfills (none without it). */
  runs?: Pick<RunTriggers, "triggerRun">;
}

/** The environment a notebook's changes are built in from the app: `edit-<slug>`. */
export function notebookEnv(slug: string): string {
  const env = `edit-${slug.toLowerCase()}`;
  return ENV_NAME_PATTERN.test(env) ? env : `edit-${createHash("sha256").update(slug).digest("hex").slice(0, 16)}`;
}

export interface NotebookChanges {
  slug: string;
  env: string;
  /** The working copy (the file), null when deleted; production's text, null when not in production. */
  working: string | null;
  production: string | null;
  plan: { ok: true; plan: Plan } | { ok: false; issues: NotebookIssue[] };
  /** The environment's last build, and whether it is a build of this very plan (else: build again). */
  build: { status: PlanStatus; current: boolean; ok: boolean; at: Date | null; outcomes: BuiltOutcome[] } | null;
  /** The data diff of each changed asset, once the current plan is built. */
  diff: Record<string, AssetDiff> | null;
  promotions: ProductionPromotion[];
}

export async function notebookChanges(deps: ChangesDeps, slug: string): Promise<NotebookChanges> {
  const env = notebookEnv(slug);
  const working = (await readNotebook(deps.notebooksDir, slug))?.text ?? null;
  const production = (await servedState(deps.warehouse, PRODUCTION)).notebooks[slug] ?? null;
  const planned = await planProject(deps.warehouse, env, [{ slug, text: working }], deps.parser);
  const record = (await environments(deps.warehouse)).find((candidate) => candidate.env === env);
  const built = record ? await lastBuild(deps.warehouse, env) : null;
  const current = record !== undefined && planned.ok && planHash(record.plan) === planned.plan.hash;
  const build = record ? { status: record.status, current, ok: built?.ok ?? false, at: built?.at ?? null, outcomes: built?.outcomes ?? [] } : null;
  return {
    slug,
    env,
    working,
    production,
    plan: planned.ok ? { ok: true, plan: planned.plan } : { ok: false, issues: planned.issues },
    build,
    // Computed once, when the build ended (a page view costs no diff).
    diff: current && record?.status === "built" ? (built?.diff ?? null) : null,
    promotions: await listPromotions(deps.db, deps.workspaceId, 20),
  };
}

function planHash(plan: unknown): string | null {
  return typeof plan === "object" && plan !== null && "hash" in plan && typeof plan.hash === "string" ? plan.hash : null;
}

/** Builds the working copy into the notebook's environment (never writing production), then stores its data diff for the page. */
export async function buildNotebookChanges(deps: ChangesDeps, slug: string, onEvent?: (event: RunEvent) => void): Promise<BuildResult> {
  const working = (await readNotebook(deps.notebooksDir, slug))?.text ?? null;
  const env = notebookEnv(slug);
  const result = await buildEnvironment({
    warehouse: deps.warehouse,
    productionSchema: deps.warehouse.schema,
    env,
    proposed: [{ slug, text: working }],
    parser: deps.parser,
    ...(deps.extract ? { extract: deps.extract } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
  if (result.ok && result.summary.ok) {
    const diff = await environmentDiff(deps.warehouse, env);
    if (diff.ok) await storeBuildDiff(deps.warehouse, env, diff.assets);
  }
  return result;
}

/** Promotes the notebook's built environment (the catalog follows), then drops the environment: its versions are production's now. */
export async function promoteNotebookChanges(deps: ChangesDeps, slug: string): Promise<PromoteResult> {
  const env = notebookEnv(slug);
  const result = await productionLifecycle(deps).promote(env);
  if (result.ok) await dropEnvironment(deps.warehouse, env);
  return result;
}

/** The lifecycle's commands over production for the server: after a promotion or a rollback the catalog follows the warehouse. */
export function productionLifecycle(deps: ChangesDeps): LifecycleOps {
  return warehouseLifecycle({
    ...deps,
    // Production has changed whatever happens here: a catalog that could not follow is told at the next start.
    afterChange: async (result) => {
      try {
        await reconcileProduction(deps);
      } catch (error) {
        console.error(`[assetbook] the catalog did not follow production's change (the next start reconciles it): ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      const entries = result.backfill ?? [];
      if (entries.length === 0 || deps.runs === undefined) return;
      try {
        const started = await backfillPromoted(deps.runs, deps.db, { workspaceId: deps.workspaceId, promotion: result.promotion, entries, now: new Date() });
        for (const { notebook, triggered } of started) console.log(`[assetbook] promotion ${result.promotion}: backfilling ${triggered.length} partitions of ${notebook}`);
      } catch (error) {
        console.error(`[assetbook] promotion ${result.promotion}: its partition backfill did not start; trigger a run of each partition the environment did not build (a backfill from the partitions panel skips those that ran before the promotion): ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  });
}
