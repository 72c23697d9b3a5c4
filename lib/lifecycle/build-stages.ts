// How a build runs its cells: in the project's graph order, through the same executor as a
// run. Cells of a partitioned notebook run once per partition the plan builds, each with its
// partition's values, replacing only that partition's rows (as a production partition run
// does); the others run once. A cell whose input failed, or was skipped, is skipped.
import type { AssetOutcome, RunEvent, RunSummary } from "../engine/events";
import { partitionedWarehouse, partitionPlan } from "../engine/partition-plan";
import { prepareNotebook } from "../engine/prepare";
import { preparePartitioned } from "../engine/prepare-partitioned";
import { runPlan, type ExecutionPlan } from "../engine/run";
import type { BaselineColumns } from "../engine/materialize";
import type { Workspace } from "../notebook/workspace-file";
import type { ExtractContext } from "../extract/run";
import type { SqlReferenceParser } from "../graph";
import type { AssetCell, CellKind, NotebookIssue } from "../notebook/types";
import { partitionWindow, PARTITION_COLUMN, type PartitionWindow } from "../partitions/windows";
import type { Warehouse } from "../warehouse/types";
import { textPartitions } from "./partitions";

export interface StagesOptions {
  warehouse: Warehouse;
  parser: SqlReferenceParser;
  /** Assets to build, lower case, in graph order. */
  order: readonly string[];
  upstream(asset: string): readonly string[];
  notebookOf(asset: string): string;
  kindOf(asset: string): CellKind;
  /** slug → the text the environment builds. */
  texts: ReadonlyMap<string, string>;
  /** The partitions the plan builds of a partitioned notebook. */
  keysOf(slug: string): readonly string[];
  extract?: Omit<ExtractContext, "onProgress" | "now">;
  onEvent?: (event: RunEvent) => void;
  /** What SQL contracts compare with: production's columns of the asset. */
  baseline?: BaselineColumns;
  /** The project's workspace (production's values): variables, connections, macros, checks. */
  workspace?: Workspace;
  /** Rewrites a cell as the environment runs it (its qualified references to assets made bare). */
  localize?: (cell: AssetCell) => Promise<AssetCell>;
}

interface Stage {
  /** A partitioned notebook's slug; null: cells of unpartitioned notebooks. */
  partitioned: string | null;
  assets: string[];
}

function stagesOf(options: StagesOptions): { ok: true; stages: Stage[] } | { ok: false; issues: NotebookIssue[] } {
  const stages: Stage[] = [];
  const issues: NotebookIssue[] = [];
  for (const asset of options.order) {
    const slug = options.notebookOf(asset);
    const def = textPartitions({ slug, text: options.texts.get(slug) ?? "" });
    if (def !== null && options.keysOf(slug).length === 0) {
      issues.push({ file: `${slug}.md`, line: 1, column: 1, cell: asset, message: "no partition of this notebook has started yet: there is nothing to build" });
      continue;
    }
    const partitioned = def === null ? null : slug;
    const last = stages.at(-1);
    if (last !== undefined && last.partitioned === partitioned) last.assets.push(asset);
    else stages.push({ partitioned, assets: [asset] });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, stages };
}

export async function buildStages(options: StagesOptions): Promise<{ ok: true; summary: RunSummary } | { ok: false; issues: NotebookIssue[] }> {
  const staged = stagesOf(options);
  if (!staged.ok) return staged;
  const started = performance.now();
  const outcomes: AssetOutcome[] = [];
  /** Failed or skipped: their readers are skipped. */
  const stopped = new Set<string>();
  let runId: string | null = null;
  const unpartitioned = new Map<string, AssetCell[]>();

  /** The cells of `assets` as they run in `window` (null: unpartitioned), or the issues of their notebook. */
  async function cellsOf(assets: readonly string[], window: { slug: string; key: string } | null): Promise<{ ok: true; cells: AssetCell[] } | { ok: false; issues: NotebookIssue[] }> {
    const wanted = new Set(assets);
    const slugs = window === null ? [...new Set(assets.map((asset) => options.notebookOf(asset)))] : [window.slug];
    const cells: AssetCell[] = [];
    for (const slug of slugs) {
      const known = window === null ? unpartitioned.get(slug) : undefined;
      if (known !== undefined) {
        cells.push(...known);
        continue;
      }
      const text = options.texts.get(slug) ?? "";
      const prepared =
        window === null
          ? await prepareNotebook(text, `${slug}.md`, options.parser, options.workspace)
          : await preparePartitioned(text, `${slug}.md`, options.parser, window.key, options.workspace);
      if (!prepared.ok) return prepared;
      const assets = prepared.notebook.cells.filter((cell): cell is AssetCell => cell.type === "asset");
      const localize = options.localize;
      const own = localize === undefined ? assets : await Promise.all(assets.map((cell) => localize(cell)));
      if (window === null) unpartitioned.set(slug, own);
      cells.push(...own);
    }
    // In the stage's (graph) order, not the notebooks': a cell may read one of a notebook gathered later.
    const order = new Map(assets.map((asset, index) => [asset, index]));
    const inStage = cells.filter((cell) => wanted.has(cell.name.toLowerCase()));
    return { ok: true, cells: inStage.sort((a, b) => (order.get(a.name.toLowerCase()) ?? 0) - (order.get(b.name.toLowerCase()) ?? 0)) };
  }

  // Every stage's cells, for every partition, prepared before anything runs: a partition
  // whose values do not make SQL stops the build before it has written anything.
  const prepared = new Map<Stage, { window: PartitionWindow | null; cells: AssetCell[] }[]>();
  for (const stage of staged.stages) {
    const windows: (PartitionWindow | null)[] = stage.partitioned === null ? [null] : options.keysOf(stage.partitioned).map((key) => windowOf(options, stage.partitioned ?? "", key));
    const runs: { window: PartitionWindow | null; cells: AssetCell[] }[] = [];
    for (const window of windows) {
      const cells = await cellsOf(stage.assets, window === null || stage.partitioned === null ? null : { slug: stage.partitioned, key: window.key });
      if (!cells.ok) return cells;
      runs.push({ window, cells: cells.cells });
    }
    prepared.set(stage, runs);
  }

  for (const stage of staged.stages) {
    const runnable = stage.assets.filter((asset) => {
      const blocked = options.upstream(asset).find((input) => stopped.has(input));
      if (blocked === undefined) return true;
      stopped.add(asset);
      outcomes.push({ asset, kind: options.kindOf(asset), status: "skipped", durationMs: 0, checks: [], reason: `its input ${blocked} was not built` });
      return false;
    });
    if (runnable.length === 0) continue;
    const wanted = new Set(runnable);
    for (const { window, cells } of prepared.get(stage) ?? []) {
      const plain: ExecutionPlan = { cells: cells.filter((cell) => wanted.has(cell.name.toLowerCase())), upstream: (name) => [...options.upstream(name.toLowerCase())] };
      const plan = partitionPlan(plain, window);
      const summary = await runPlan({
        // A partition's SQL and extract rows replace only its own rows, as in a production partition run.
        warehouse: partitionedWarehouse(options.warehouse, plan.cells, window),
        plan,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        ...(options.baseline ? { baseline: options.baseline } : {}),
        ...(options.extract ? { extract: window === null ? options.extract : { ...options.extract, partition: { column: PARTITION_COLUMN, key: window.key } } } : {}),
      });
      runId ??= summary.runId;
      for (const outcome of summary.outcomes) {
        outcomes.push(window === null ? outcome : { ...outcome, partition: window.key });
        if (outcome.status !== "succeeded") stopped.add(outcome.asset.toLowerCase());
      }
    }
  }
  return { ok: true, summary: { runId: runId ?? crypto.randomUUID(), outcomes, durationMs: performance.now() - started, ok: outcomes.every((outcome) => outcome.status === "succeeded") } };
}

function windowOf(options: StagesOptions, slug: string, key: string): PartitionWindow {
  const def = textPartitions({ slug, text: options.texts.get(slug) ?? "" });
  const window = def === null ? null : partitionWindow(def, key);
  if (window === null) throw new Error(`notebook "${slug}" has no partition "${key}"`);
  return window;
}
