// The lifecycle's commands over one warehouse: what `assetbook plan|build|diff|promote|
// rollback|env` do on a `--db` file, and what the server's /api/lifecycle routes do for the
// same commands sent with ASSETBOOK_SERVER. One implementation, two transports; the answers
// are the commands' JSON documents.
import { z } from "zod";
import type { RunEvent } from "../engine/events";
import { buildEnvironment } from "../lifecycle/build";
import { dropEnvironment } from "../lifecycle/cleanup";
import { environmentDiff, type AssetDiff } from "../lifecycle/env-diff";
import { envNameSchema, PRODUCTION } from "../lifecycle/layout";
import type { Plan } from "../lifecycle/plan";
import { planProject, type ProposedNotebook } from "../lifecycle/project";
import { promoteEnvironment, rollback, type PromoteResult, type PromotionCrashPoint } from "../lifecycle/promote";
import { ensureLifecycleTables, environments, promotions, servedState } from "../lifecycle/store";
import type { SqlReferenceParser } from "../graph";
import type { SqlSyntax } from "../lifecycle/syntax";
import type { AssetOutcome } from "../engine/events";
import type { NotebookIssue } from "../notebook/types";
import type { Warehouse } from "../warehouse/types";
import { isSlug } from "../workspace/slug";
import { WORKSPACE_FILE } from "../notebook/workspace-file";
import type { ExtractSources } from "./materialize";

/** Proposed texts as a command sends them: `project` when they are a whole directory (production's notebooks it lacks are removed). */
export const proposalSchema = z.object({
  env: envNameSchema,
  // The workspace file travels with the notebooks, under its file name.
  notebooks: z.array(z.object({ slug: z.string().refine((slug) => isSlug(slug) || slug === WORKSPACE_FILE, "not a notebook slug"), text: z.string().max(2_000_000) })).max(1000),
  project: z.boolean().default(false),
  /** Partition keys to build of the partitioned notebooks with changes (default: each one's newest). */
  partitions: z.array(z.string().min(1).max(200)).max(1000).optional(),
  /** `--select`: build only the selected assets; such a build cannot be promoted. */
  select: z.string().max(10_000).optional(),
});
export type Proposal = z.input<typeof proposalSchema>;

export const diffRequestSchema = z.object({
  env: envNameSchema,
  assets: z.array(z.string().min(1).max(200)).max(1000).optional(),
  key: z.array(z.string().min(1).max(200)).max(20).optional(),
});
export type DiffRequest = z.infer<typeof diffRequestSchema>;

export type PlanAnswer = { ok: true; plan: Plan } | { ok: false; issues: NotebookIssue[] };
export type BuildAnswer = { ok: false; issues: NotebookIssue[] } | { ok: true; document: { env: string; plan: Plan; built: string[]; reused: string[]; ok: boolean; outcomes: AssetOutcome[]; durationMs: number } };
export type DiffAnswer = { ok: true; assets: Record<string, AssetDiff> } | { ok: false; reason: string };
export interface EnvList {
  environments: { env: string; status: string }[];
  promotions: { id: string; seq: number; env: string }[];
}
export interface Dropped {
  env: string;
  dropped: boolean;
  versions: string[];
}

export interface LifecycleOps {
  plan(proposal: Proposal): Promise<PlanAnswer>;
  build(proposal: Proposal, onEvent?: (event: RunEvent) => void): Promise<BuildAnswer>;
  diff(request: DiffRequest): Promise<DiffAnswer>;
  promote(env: string): Promise<PromoteResult>;
  rollback(to?: string): Promise<PromoteResult>;
  list(): Promise<EnvList>;
  drop(env: string): Promise<Dropped>;
}

export interface WarehouseLifecycleDeps {
  warehouse: Warehouse;
  parser: SqlReferenceParser & SqlSyntax;
  extract?: ExtractSources;
  /** Named points where crash tests kill the process. */
  crash?: (point: PromotionCrashPoint) => void;
  /** After production changed (a promotion or a rollback): the server reconciles its catalog and starts the promotion's backfills. */
  afterChange?: (result: Extract<PromoteResult, { ok: true }>) => Promise<void>;
}

export function warehouseLifecycle(deps: WarehouseLifecycleDeps): LifecycleOps {
  const { warehouse, parser } = deps;
  const productionSchema = warehouse.schema;
  const proposed = async (proposal: Proposal): Promise<{ env: string; notebooks: ProposedNotebook[]; partitions: string[]; select?: string }> => {
    const parsed = proposalSchema.parse(proposal);
    await ensureLifecycleTables(warehouse);
    const named = new Set(parsed.notebooks.map((nb) => nb.slug));
    const removed = parsed.project ? Object.keys((await servedState(warehouse, PRODUCTION)).notebooks).filter((slug) => !named.has(slug)) : [];
    return {
      env: parsed.env,
      notebooks: [...removed.map((slug) => ({ slug, text: null })), ...parsed.notebooks],
      partitions: parsed.partitions ?? [],
      ...(parsed.select === undefined ? {} : { select: parsed.select }),
    };
  };
  const changed = async (result: PromoteResult) => {
    if (result.ok) await deps.afterChange?.(result);
    return result;
  };
  return {
    async plan(proposal) {
      const { env, notebooks, partitions, select } = await proposed(proposal);
      const planned = await planProject(warehouse, env, notebooks, parser, { partitions, ...(select === undefined ? {} : { select }) });
      return planned.ok ? { ok: true, plan: planned.plan } : { ok: false, issues: planned.issues };
    },
    async build(proposal, onEvent) {
      const { env, notebooks, partitions, select } = await proposed(proposal);
      const result = await buildEnvironment({ warehouse, productionSchema, env, proposed: notebooks, parser, partitions, ...(select === undefined ? {} : { select }), ...(deps.extract ? { extract: deps.extract } : {}), ...(onEvent ? { onEvent } : {}) });
      if (!result.ok) return result;
      return { ok: true, document: { env, plan: result.plan, built: result.built, reused: result.reused, ok: result.summary.ok, outcomes: result.summary.outcomes, durationMs: result.summary.durationMs } };
    },
    async diff(request) {
      const { env, assets, key } = diffRequestSchema.parse(request);
      await ensureLifecycleTables(warehouse);
      return environmentDiff(warehouse, env, { ...(assets ? { assets: assets.map((name) => name.toLowerCase()) } : {}), ...(key ? { key } : {}) });
    },
    async promote(env) {
      await ensureLifecycleTables(warehouse);
      return changed(await promoteEnvironment({ warehouse, parser, productionSchema, env: envNameSchema.parse(env), ...(deps.crash ? { crash: deps.crash } : {}) }));
    },
    async rollback(to) {
      await ensureLifecycleTables(warehouse);
      return changed(await rollback({ warehouse, productionSchema, ...(to === undefined ? {} : { to }) }));
    },
    async list() {
      await ensureLifecycleTables(warehouse);
      return {
        environments: (await environments(warehouse)).map((e) => ({ env: e.env, status: e.status })),
        promotions: (await promotions(warehouse)).map((p) => ({ id: p.id, seq: p.seq, env: p.env })),
      };
    },
    async drop(env) {
      await ensureLifecycleTables(warehouse);
      return { env, ...(await dropEnvironment(warehouse, envNameSchema.parse(env))) };
    },
  };
}
