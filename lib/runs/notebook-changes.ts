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
import { promoteEnvironment, rollback, type PromoteResult } from "../lifecycle/promote";
import { environments, lastBuild, servedState, type BuiltOutcome, type PlanStatus } from "../lifecycle/store";
import type { SqlSyntax } from "../lifecycle/syntax";
import type { NotebookIssue } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { readNotebook } from "../workspace/notebook-files";
import type { ExtractSources } from "./materialize";
import { reconcileProduction } from "./production";

export interface ChangesDeps {
  db: CatalogDb;
  workspaceId: string;
  notebooksDir: string;
  warehouse: Warehouse;
  parser: SqlReferenceParser & SqlSyntax;
  extract?: ExtractSources;
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
  const diffed = current && record?.status === "built" ? await environmentDiff(deps.warehouse, env) : null;
  return {
    slug,
    env,
    working,
    production,
    plan: planned.ok ? { ok: true, plan: planned.plan } : { ok: false, issues: planned.issues },
    build,
    diff: diffed?.ok ? diffed.assets : null,
    promotions: await listPromotions(deps.db, deps.workspaceId, 20),
  };
}

function planHash(plan: unknown): string | null {
  return typeof plan === "object" && plan !== null && "hash" in plan && typeof plan.hash === "string" ? plan.hash : null;
}

/** Builds the working copy into the notebook's environment (never writing production). */
export async function buildNotebookChanges(deps: ChangesDeps, slug: string, onEvent?: (event: RunEvent) => void): Promise<BuildResult> {
  const working = (await readNotebook(deps.notebooksDir, slug))?.text ?? null;
  return buildEnvironment({
    warehouse: deps.warehouse,
    productionSchema: deps.warehouse.schema,
    env: notebookEnv(slug),
    proposed: [{ slug, text: working }],
    parser: deps.parser,
    ...(deps.extract ? { extract: deps.extract } : {}),
    ...(onEvent ? { onEvent } : {}),
  });
}

/** Promotes the notebook's built environment, then the catalog follows and the environment goes (its versions now production's). */
export async function promoteNotebookChanges(deps: ChangesDeps, slug: string): Promise<PromoteResult> {
  const env = notebookEnv(slug);
  const result = await promoteEnvironment({ warehouse: deps.warehouse, productionSchema: deps.warehouse.schema, env, parser: deps.parser });
  if (!result.ok) return result;
  await reconcileProduction(deps);
  await dropEnvironment(deps.warehouse, env);
  return result;
}

/** Points production back to before a promotion (default: the latest), then the catalog follows. */
export async function rollbackProduction(deps: ChangesDeps, to?: string): Promise<PromoteResult> {
  const result = await rollback({ warehouse: deps.warehouse, productionSchema: deps.warehouse.schema, ...(to === undefined ? {} : { to }) });
  if (result.ok) await reconcileProduction(deps);
  return result;
}
