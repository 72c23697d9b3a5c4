// The plan of a change: proposed notebook texts against production. Pure: the same
// production and proposal give the same plan, and the same hash, on every host.
//
// Each asset is added, removed, breaking, non_breaking or unchanged. A change that only
// adds output columns is non_breaking: the asset is rebuilt, its readers are not (every
// column they read is as it was), but for those that select `*` of it, which read the new
// columns too. Any other change is breaking, and everything below it is
// rebuilt. What is not rebuilt is read from production's version in place (defer).
import { describeCycle, findCycles, graphFromEdges, producerOfTable, selectCells, type AssetGraph, type SelectableOf } from "../graph";
import type { CellKind } from "../notebook/types";
import type { AssetDefinition, NotebookText } from "./definitions";
import { fingerprint } from "./fingerprint";
import type { PartitionSchedule } from "./partitions";
import { onlyAddsColumns } from "./syntax";

export const CHANGES = ["added", "removed", "breaking", "non_breaking", "unchanged"] as const;
export type Change = (typeof CHANGES)[number];
export type NotebookChange = "added" | "removed" | "changed" | "unchanged";

export interface ProjectState {
  notebooks: readonly NotebookText[];
  assets: readonly AssetDefinition[];
}

export interface ProductionState extends ProjectState {
  /** The version production serves of each asset (absent: never built). */
  versions: Readonly<Record<string, string>>;
}

export interface PlannedAsset {
  asset: string;
  notebook: string;
  kind: CellKind;
  change: Change;
  /** Checks or run keys changed (they never change the data). */
  metadataChanged: boolean;
  /** Built into the environment; otherwise production's version is read in place. */
  build: boolean;
  /** Why it is built, for people. */
  reason?: string;
  /** It would be built, but the plan's selection leaves it out: production's version is read instead. */
  excluded?: true;
  /** The version the environment serves (null: removed). */
  version: string | null;
  productionVersion: string | null;
  /** Built in a partitioned notebook: the keys the environment builds, and those production backfills after the promotion. */
  partitions?: PartitionSchedule;
}

export interface PlannedNotebook {
  slug: string;
  change: NotebookChange;
  /** Fingerprint of the proposed text (null: removed). */
  text: string | null;
  /** Fingerprint of production's text (null: not in production). */
  productionText: string | null;
}

export interface Plan {
  env: string;
  /** Assets in build order (graph order), then the removed ones by name. */
  assets: PlannedAsset[];
  /** Names of the assets to build, in build order. */
  build: string[];
  /** The `--select` the plan was made with: only the selected assets are built. */
  selection?: string;
  /** Assets the plan would build but its selection leaves out; an environment built from such a plan cannot be promoted. */
  excluded?: string[];
  notebooks: PlannedNotebook[];
  /**
   * What of production the plan builds on: the texts of the notebooks it changes (null: not
   * in production) and the versions its builds read in place. A promotion refuses when any
   * of them has moved since.
   */
  base: { notebooks: Record<string, string | null>; versions: Record<string, string> };
  /** Of everything above but the partition schedules: which keys are newest moves with the clock, what the plan changes does not. */
  hash: string;
}

export class PlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanError";
  }
}

/**
 * The asset an input names: bare (`orders`), in the warehouse's own schema (`main.orders`:
 * every asset keeps its name there), or in the schema the asset is placed in
 * (`staging.orders`); another schema's table of that name is not it.
 */
export function producerOfInput<A extends { kind: CellKind; schema: string | null }>(input: string, named: (name: string) => A | undefined): A | undefined {
  const parts = input.split(".");
  if (parts.length > 2) return undefined;
  const [schema, table] = parts.length === 2 ? parts : [undefined, parts[0]];
  const producer = producerOfTable(table ?? "", named);
  if (producer === undefined || schema === undefined || schema === "main") return producer;
  return producer.schema === schema ? producer : undefined;
}

function byName(assets: readonly AssetDefinition[]): Map<string, AssetDefinition> {
  return new Map(assets.map((asset) => [asset.asset, asset]));
}

/** The project's graph across notebooks: an edge from the producer of each input. */
export function projectGraph(assets: readonly AssetDefinition[]): AssetGraph {
  const named = byName(assets);
  const ordered = [...assets].sort((a, b) => (a.notebook < b.notebook ? -1 : a.notebook > b.notebook ? 1 : 0));
  const edges = ordered.flatMap((asset) =>
    asset.inputs.flatMap((input) => {
      const producer = producerOfInput(input, (name) => named.get(name));
      return producer && producer.asset !== asset.asset ? [{ from: producer.asset, to: asset.asset }] : [];
    }),
  );
  const graph = graphFromEdges(
    ordered.map((asset) => ({ name: asset.asset, kind: asset.kind, line: 1 })),
    edges,
  );
  const cycles = findCycles(graph);
  if (cycles.length > 0) throw new PlanError(`the notebooks read each other's tables in a cycle: ${cycles.map((cycle) => describeCycle(graph, cycle)).join("; ")}`);
  return graph;
}

function changeOf(before: AssetDefinition | undefined, after: AssetDefinition): Exclude<Change, "removed"> {
  if (!before) return "added";
  if (before.definition === after.definition && before.kind === after.kind) return "unchanged";
  if (before.kind === after.kind && before.projection && after.projection && onlyAddsColumns(before.projection, after.projection)) return "non_breaking";
  return "breaking";
}

function notebookChanges(production: readonly NotebookText[], proposed: readonly NotebookText[]): PlannedNotebook[] {
  const before = new Map(production.map((nb) => [nb.slug, fingerprint(nb.text)]));
  const after = new Map(proposed.map((nb) => [nb.slug, fingerprint(nb.text)]));
  const slugs = [...new Set([...before.keys(), ...after.keys()])].sort();
  return slugs.map((slug) => {
    const productionText = before.get(slug) ?? null;
    const text = after.get(slug) ?? null;
    const change: NotebookChange = productionText === null ? "added" : text === null ? "removed" : text === productionText ? "unchanged" : "changed";
    return { slug, change, text, productionText };
  });
}

/** A plan of part of the project (`--select`): what the selection names, and what it matches on. */
export interface PlanSelection {
  text: string;
  selectable: SelectableOf;
}

/**
 * Plans `proposed` (the whole project as it would be) against production, for environment
 * `env`. With a selection, only the selected assets are built: an asset it leaves out that
 * would be built is `excluded`, production's version is read in its place, and its readers
 * are not rebuilt because of it. Throws SelectionError on a selection that names nothing.
 */
export function planChange(env: string, production: ProductionState, proposed: ProjectState, selection?: PlanSelection): Plan {
  const graph = projectGraph(proposed.assets);
  const selected = selection === undefined || selection.text.trim() === "" ? undefined : selectCells(graph, selection.text, selection.selectable);
  const before = byName(production.assets);
  const after = byName(proposed.assets);
  const versions = new Map<string, string>();
  const planned: PlannedAsset[] = [];
  /** Assets whose readers must be rebuilt: breaking and added ones, and those rebuilt because of them. */
  const breaksReaders = new Set<string>();
  const deferredInputs = new Set<string>();
  /** Assets built with more output columns than production's: a reader of all their columns (`select *`) gains them too. */
  const widens = new Set<string>();

  for (const name of graph.topoOrder()) {
    const asset = after.get(name);
    if (!asset) continue;
    const previous = before.get(name);
    const change = changeOf(previous, asset);
    const productionVersion = production.versions[name] ?? null;
    // Its data's inputs: a table only its checks read is built first, but does not change its rows.
    const checkOnly = new Set(asset.checkInputs.map((input) => producerOfInput(input, (other) => after.get(other))?.asset));
    const dataInputs = graph.upstream(name).filter((input) => !checkOnly.has(input));
    const brokenInput = dataInputs.find((input) => breaksReaders.has(input));
    const widenedInput = asset.readsEveryColumn ? dataInputs.find((input) => widens.has(input)) : undefined;
    const reason =
      change === "added" ? "added"
      : change === "breaking" ? "changed (breaking)"
      : change === "non_breaking" ? "changed (adds columns)"
      : brokenInput !== undefined ? `reads ${brokenInput}, which changed in a breaking way`
      : widenedInput !== undefined ? `reads every column of ${widenedInput}, which gains columns`
      : productionVersion === null ? "never built in production"
      : undefined;
    const excluded = reason !== undefined && selected !== undefined && !selected.has(name);
    const build = reason !== undefined && !excluded;
    // A reader rebuilt for its input's new columns may change its rows too (`select distinct *`):
    // what reads it is rebuilt, as below a breaking change.
    if (build && change === "non_breaking") widens.add(name);
    else if (build) breaksReaders.add(name);
    let version: string;
    if (build) {
      const inputs = asset.inputs.map((input) => {
        const producer = producerOfInput(input, (other) => after.get(other));
        if (producer) deferredInputs.add(producer.asset);
        return [input, producer ? (versions.get(producer.asset) ?? null) : null];
      });
      version = fingerprint({ asset: name, definition: asset.definition, inputs });
    } else {
      version = productionVersion ?? "";
    }
    versions.set(name, version);
    planned.push({
      asset: name,
      notebook: asset.notebook,
      kind: asset.kind,
      change,
      metadataChanged: previous !== undefined && previous.metadata !== asset.metadata,
      build,
      ...(reason === undefined ? {} : { reason: excluded ? `${reason}; left out by the selection: production's version is read` : reason }),
      ...(excluded ? { excluded: true as const } : {}),
      version,
      productionVersion,
    });
  }
  const removed = [...before.values()].filter((asset) => !after.has(asset.asset)).sort((a, b) => (a.asset < b.asset ? -1 : 1));
  for (const asset of removed) {
    planned.push({ asset: asset.asset, notebook: asset.notebook, kind: asset.kind, change: "removed", metadataChanged: false, build: false, version: null, productionVersion: production.versions[asset.asset] ?? null });
  }

  const notebooks = notebookChanges(production.notebooks, proposed.notebooks);
  const deferred = planned.filter((asset) => !asset.build && asset.version !== null && asset.version !== "" && deferredInputs.has(asset.asset));
  const base = {
    notebooks: Object.fromEntries(notebooks.filter((nb) => nb.change !== "unchanged").map((nb) => [nb.slug, nb.productionText])),
    versions: Object.fromEntries(deferred.map((asset) => [asset.asset, asset.version ?? ""])),
  };
  const scope = selection === undefined || selected === undefined ? {} : { selection: selection.text.trim(), excluded: planned.filter((asset) => asset.excluded).map((asset) => asset.asset) };
  const body = { env, assets: planned, build: planned.filter((asset) => asset.build).map((asset) => asset.asset), ...scope, notebooks, base };
  return { ...body, hash: fingerprint(body) };
}

/** The plan with each built asset of a partitioned notebook given its notebook's partition schedule (partitions.ts); the hash stays. */
export function schedulePartitions(plan: Plan, scheduleOf: (notebook: string) => PartitionSchedule | null): Plan {
  return {
    ...plan,
    assets: plan.assets.map((asset) => {
      const schedule = asset.build ? scheduleOf(asset.notebook) : null;
      return schedule === null ? asset : { ...asset, partitions: schedule };
    }),
  };
}

/** The project after a proposal: production's notebooks with the proposed texts over them (null removes one). */
export function overlayNotebooks(production: readonly NotebookText[], proposed: readonly { slug: string; text: string | null }[]): NotebookText[] {
  const merged = new Map(production.map((nb) => [nb.slug, nb.text]));
  for (const change of proposed) {
    if (change.text === null) merged.delete(change.slug);
    else merged.set(change.slug, change.text);
  }
  return [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([slug, text]) => ({ slug, text }));
}
