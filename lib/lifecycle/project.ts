// A plan from what is in the warehouse: production's promoted texts and versions, against
// proposed notebook texts.
import { SelectionError, selectableAssets, type SelectableAsset, type SqlReferenceParser } from "../graph";
import { parseNotebook } from "../notebook";
import type { NotebookIssue } from "../notebook/types";
import { projectDefinitions, type AssetDefinition, type NotebookText } from "./definitions";
import { PRODUCTION } from "./layout";
import { partitionSchedules } from "./partitions";
import { overlayNotebooks, planChange, PlanError, producerOfInput, schedulePartitions, type Plan, type PlanSelection } from "./plan";
import { servedState, type LifecycleWarehouse } from "./store";
import type { SqlSyntax } from "./syntax";
import type { ServedState } from "./transition";

/** A proposed notebook text; `text: null` removes the notebook. */
export interface ProposedNotebook {
  slug: string;
  text: string | null;
}

export type PlannedProject =
  | { ok: true; plan: Plan; production: ServedState; texts: NotebookText[]; assets: AssetDefinition[] }
  | { ok: false; issues: NotebookIssue[] };

function texts(state: ServedState): NotebookText[] {
  return Object.entries(state.notebooks)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([slug, text]) => ({ slug, text }));
}

export interface PlanOptions {
  /** Partition keys to build in the environment (default: each partitioned notebook's newest). */
  partitions?: readonly string[];
  now?: Date;
  /** `--select`: build only these assets (dbt's selector syntax, over the whole project). */
  select?: string;
}

/** The selection over every notebook of the project: tags, owners, slug and path `notebooks/<slug>.md`. */
export function projectSelection(text: string, notebooks: readonly NotebookText[]): PlanSelection {
  const byName = new Map<string, SelectableAsset>();
  for (const nb of notebooks) {
    const parsed = parseNotebook(nb.text, `notebooks/${nb.slug}.md`);
    if (parsed.notebook) for (const [name, asset] of selectableAssets(parsed.notebook)) byName.set(name, asset);
  }
  return { text, selectable: (name) => byName.get(name.toLowerCase()) };
}

/** Plans `proposed` over production for environment `env`. Issues in production's own texts are reported too. */
export async function planProject(warehouse: LifecycleWarehouse, env: string, proposed: readonly ProposedNotebook[], parser: SqlReferenceParser & SqlSyntax, options: PlanOptions = {}): Promise<PlannedProject> {
  const production = await servedState(warehouse, PRODUCTION);
  const before = await projectDefinitions(texts(production), parser);
  const project = overlayNotebooks(texts(production), proposed);
  const after = await projectDefinitions(project, parser);
  if (!after.ok) return { ok: false, issues: after.issues };
  if (!before.ok) return { ok: false, issues: before.issues };
  const orphans = readersOfRemoved(before.assets, after.assets, project);
  if (orphans.length > 0) return { ok: false, issues: orphans };
  const selection = options.select === undefined ? undefined : projectSelection(options.select, project);
  let plan: Plan;
  try {
    plan = planChange(env, { notebooks: texts(production), assets: before.assets, versions: production.assets }, { notebooks: project, assets: after.assets }, selection);
  } catch (error) {
    if (error instanceof SelectionError) throw new PlanError(`--select: ${error.message}`);
    throw error;
  }
  const building = new Set(plan.assets.filter((asset) => asset.build).map((asset) => asset.notebook));
  const schedules = partitionSchedules(project, building, options.now ?? new Date(), options.partitions ?? []);
  if (schedules.issues.length > 0) return { ok: false, issues: schedules.issues };
  return { ok: true, plan: schedulePartitions(plan, schedules.scheduleOf), production, texts: project, assets: after.assets };
}

/**
 * Cells that read an asset the change removes (declared external, so each notebook checks
 * alone): promoted, they would read a table production no longer serves. An issue each, at the
 * cell, naming what it reads and where that came from.
 */
function readersOfRemoved(before: readonly AssetDefinition[], after: readonly AssetDefinition[], notebooks: readonly NotebookText[]): NotebookIssue[] {
  const remaining = new Map(after.map((asset) => [asset.asset, asset]));
  const previous = new Map(before.map((asset) => [asset.asset, asset]));
  const issues: NotebookIssue[] = [];
  for (const asset of after) {
    for (const input of asset.inputs) {
      const removed = producerOfInput(input, (name) => previous.get(name));
      if (removed === undefined || remaining.has(removed.asset)) continue;
      const file = `${asset.notebook}.md`;
      const text = notebooks.find((nb) => nb.slug === asset.notebook)?.text ?? "";
      const cell = parseNotebook(text, file).notebook?.cells.find((c) => c.type === "asset" && c.name.toLowerCase() === asset.asset);
      issues.push({
        file,
        line: cell?.line ?? 1,
        column: 1,
        cell: asset.asset,
        message: `reads ${input}, which this change removes (it was ${removed.asset} of ${removed.notebook}.md): change or remove this cell too`,
      });
    }
  }
  return issues;
}
