// The reactive notebook session: after each edit, rerun exactly the cells that changed
// and everything below them, in graph order, reusing every upstream result. One loop runs
// one cell at a time and re-plans before each cell, so a newer edit supersedes what is
// still queued; a result computed from text that has since changed is never shown.
// A partitioned notebook runs with one partition's values (session-partitions.ts); choosing
// another reruns the cells that hold a placeholder and everything below them.
// Tables the notebook declares `external` (another notebook's assets) are not in the host's
// warehouse: the host loads each one once (the editor, a sample from production) before the
// cells that read it run, and a cell reading one that could not be loaded fails with why.
import { buildGraph, tableRefFromText, type AssetGraph, type TableRef } from "../graph";
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace, type Workspace } from "../notebook/workspace-file";
import type { AssetCell, Notebook, NotebookIssue } from "../notebook/types";
import { hasPlaceholder } from "../partitions/values";
import type { Warehouse } from "../warehouse/types";
import type { AssetOutcome } from "./events";
import { execute, type AttemptResult, type CellSequence } from "./executor";
import { materializeCell } from "./materialize-cell";
import { placedWarehouse } from "./placement";
import { externalTableName, type CellStatus, type ExternalLoad, type ExternalTableStatus, type ReactiveOptions, type ReactiveSnapshot } from "./reactive-types";
import { RetiredTables } from "./retired-tables";
import { DevPartitions, type SessionPartitions } from "./session-partitions";

export type { SessionPartitions } from "./session-partitions";
export {
  externalTableName,
  type CellMaterializer,
  type CellRunState,
  type CellStatus,
  type ExternalLoad,
  type ExternalLoader,
  type ExternalTableStatus,
  type ReactiveOptions,
  type ReactiveSnapshot,
} from "./reactive-types";

/**
 * What a cell's result depends on: its text (SQL with the partition's literals), the partition
 * when it still holds placeholders (an extract), and its config as its workspace made it (a
 * changed macro or variable reruns exactly the cells that use it).
 */
function signature(cell: AssetCell, partition: string | null): string {
  return JSON.stringify([cell.kind, cell.body, cell.infoRest, hasPlaceholder(cell.body) ? partition : null, cell.config]);
}

export class ReactiveSession {
  private notebook: Notebook | undefined;
  private graph: AssetGraph | undefined;
  private issues: NotebookIssue[] = [];
  private cells = new Map<string, AssetCell>();
  private signatures = new Map<string, string>();
  /** Bumped each time a cell is made dirty: a result started before the bump belongs to old inputs. */
  private readonly generations = new Map<string, number>();
  private statuses = new Map<string, CellStatus>();
  /** Cells that must run before the notebook is up to date. */
  private readonly dirty = new Set<string>();
  private loop: Promise<void> | undefined;
  private lazy = false;
  private latestText: string | undefined;
  private updates: Promise<void> = Promise.resolve();
  private readonly partitioner: DevPartitions;
  private chosen: string | null;
  private workspace: Workspace;
  private partitions: SessionPartitions | undefined;
  /** Per cell, the external tables it reads (from the graph of the latest edit). */
  private cellExternals = new Map<string, TableRef[]>();
  /** Each external table asked of the host, once per session, by externalTableName. */
  private readonly externals = new Map<string, ExternalTableStatus>();
  /** Cells whose last result the host said is a sample (an extract preview at its cap). */
  private readonly sampledSelf = new Set<string>();
  /** The tables reruns replaced, dropped once nothing is left to run (off the rerun's critical path). */
  private readonly retired = new RetiredTables();
  /** The warehouse cells run on: its swaps retire what they replace. */
  private readonly warehouse: Warehouse;
  private dropping: Promise<void> = Promise.resolve();

  constructor(private readonly options: ReactiveOptions) {
    this.warehouse = this.retired.wrap(options.warehouse);
    this.partitioner = new DevPartitions(options.clock);
    this.chosen = options.partition ?? null;
    this.workspace = options.workspace ?? emptyWorkspace();
  }

  /** The key the cells run with (null: unpartitioned, or no partition has started). */
  private get partition(): string | null {
    return this.partitions?.active ?? null;
  }

  snapshot(): ReactiveSnapshot {
    const order = this.graph?.topoOrder() ?? [];
    const byOrder = [...this.cells.keys()].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    return {
      notebook: this.notebook,
      graph: this.graph,
      issues: this.issues,
      cells: byOrder.flatMap((name) => this.statuses.get(name) ?? []),
      externals: [...this.externals.values()],
      externalEdges: [...this.cellExternals].flatMap(([cell, refs]) => [...new Set(refs.map(externalTableName))].map((table) => ({ from: table, to: cell }))),
      ...(this.partitions === undefined ? {} : { partitions: this.partitions }),
    };
  }

  /** Takes the workspace file's new values: the cells whose SQL or config they change rerun. */
  async setWorkspace(workspace: Workspace): Promise<void> {
    this.workspace = workspace;
    if (this.latestText !== undefined) await this.update(this.latestText);
  }

  /** Runs the notebook with another partition (null: the newest that has started); returns when its cells have run. */
  async setPartition(key: string | null): Promise<void> {
    this.chosen = key;
    if (this.latestText !== undefined) await this.update(this.latestText);
  }

  /** Takes the notebook's new text; returns when every cell it made dirty has run (or was superseded). */
  async update(text: string): Promise<void> {
    // Edits are applied in order, and one overtaken by a newer edit is skipped altogether.
    this.latestText = text;
    const applied = this.updates.then(() => (text === this.latestText ? this.apply(text) : undefined));
    this.updates = applied.catch(() => undefined);
    await applied;
    return this.idle();
  }

  private async apply(rawText: string): Promise<void> {
    // `{{ partition.* }}` is not SQL: the cells read the partition's literals, as in its production run.
    const partitioned = this.partitioner.substitute(rawText, this.options.file, this.chosen);
    this.partitions = partitioned.partitions;
    const parsed = parseNotebookIn(partitioned.text, this.options.file, this.workspace);
    const notebook = parsed.notebook;
    if (!notebook) {
      this.issues = [...partitioned.issues, ...(parsed.ok ? [] : parsed.issues)];
      this.publish();
      return;
    }
    const { graph, issues, externals } = await buildGraph(notebook, this.options.parser);
    await this.loadExternals(externals, notebook.frontMatter.external ?? []);
    this.cellExternals = externals;
    this.notebook = notebook;
    this.graph = graph;
    this.issues = [...partitioned.issues, ...(parsed.ok ? [] : parsed.issues), ...issues];
    this.lazy = notebook.frontMatter.lazy === true;

    const next = new Map<string, AssetCell>();
    for (const cell of notebook.cells) if (cell.type === "asset" && graph.has(cell.name)) next.set(cell.name, cell);
    const changed: string[] = [];
    for (const [name, cell] of next) {
      if (this.signatures.get(name) !== signature(cell, this.partition)) changed.push(name);
      if (!this.statuses.has(name)) this.statuses.set(name, { name, kind: cell.kind, state: "idle", runs: 0, checks: [] });
    }
    for (const name of this.statuses.keys()) if (!next.has(name)) this.statuses.delete(name);
    for (const name of [...this.dirty]) if (!next.has(name)) this.dirty.delete(name);
    this.cells = next;
    for (const [name, cell] of next) this.signatures.set(name, signature(cell, this.partition));

    const withIssues = new Set(this.issues.flatMap((issue) => (issue.cell ? [issue.cell] : [])));
    for (const name of changed) {
      this.markDirty(name);
      for (const below of graph.descendants(name)) {
        if (this.lazy) this.setStatus(below, { state: "stale" });
        else this.markDirty(below);
      }
    }
    for (const name of withIssues) {
      const issue = this.issues.find((i) => i.cell === name);
      this.dirty.delete(name);
      this.setStatus(name, { state: "error", error: issue?.message });
      this.block(name);
    }
    for (const name of this.dirty) this.setStatus(name, { state: "queued" });
    this.publish();
    void this.kick();
  }

  /**
   * Loads the external tables no earlier edit asked for, before the cells are planned: the
   * first run of a notebook waits for its inputs rather than fail on a missing table. A
   * table that could not be loaded is not asked for again in this session.
   */
  private async loadExternals(byCell: Map<string, TableRef[]>, declared: readonly string[]): Promise<void> {
    const load = this.options.loadExternal;
    if (load === undefined) return;
    // In the front matter's order (then the order the cells read them): the page lists them so.
    const order = declared.map((name) => externalTableName(tableRefFromText(name)));
    const rank = (table: string) => (order.includes(table) ? order.indexOf(table) : order.length);
    const read = [...new Set([...byCell.values()].flat().map(externalTableName))];
    const wanted = read.filter((table) => !this.externals.has(table)).sort((a, b) => rank(a) - rank(b));
    if (wanted.length === 0) return;
    for (const table of wanted) this.externals.set(table, { table, state: "loading" });
    this.publish();
    await Promise.all(
      wanted.map(async (table) => {
        const loaded = await load(table, this.options.warehouse).catch((error: unknown): ExternalLoad => ({ ok: false, error: `table "${table}": ${error instanceof Error ? error.message : String(error)}` }));
        this.externals.set(table, loaded.ok ? { table, state: "loaded", rows: loaded.rows, sampled: loaded.sampled } : { table, state: "failed", error: loaded.error });
      }),
    );
  }

  /** Why a cell cannot run: an external table it reads could not be loaded (the warehouse would only say it does not exist). */
  private missingExternal(cell: AssetCell): string | null {
    for (const ref of this.cellExternals.get(cell.name) ?? []) {
      const status = this.externals.get(externalTableName(ref));
      if (status?.state === "failed") return `external table "${status.table}" could not be loaded: ${status.error}`;
    }
    return null;
  }

  /** Runs a cell and what is below it, whether or not it changed (the "run" action, or stale cells in lazy mode). */
  async run(name: string): Promise<void> {
    if (!this.graph?.has(name)) return;
    this.markDirty(name);
    for (const below of this.graph.descendants(name)) this.markDirty(below);
    for (const queued of this.dirty) this.setStatus(queued, { state: "queued" });
    this.publish();
    return this.kick();
  }

  /** Resolves when nothing is left to run. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Resolves when nothing is left to run and the tables reruns replaced are dropped. */
  async settled(): Promise<void> {
    await this.idle();
    await this.dropping;
  }

  private kick(): Promise<void> {
    this.loop ??= this.drain().finally(() => {
      this.loop = undefined;
      this.dropping = this.retired.drop(() => this.loop === undefined);
    });
    return this.idle();
  }

  /** The next dirty cell none of whose inputs is dirty, in graph order. */
  private nextCell(): AssetCell | undefined {
    const graph = this.graph;
    if (!graph) return undefined;
    for (const name of graph.topoOrder()) {
      if (!this.dirty.has(name)) continue;
      if (graph.ancestors(name).some((up) => this.dirty.has(up))) continue;
      return this.cells.get(name);
    }
    return undefined;
  }

  /** The dirty cells through the executor, re-planned before each one: a newer edit changes what comes next. */
  private async drain(): Promise<void> {
    const graph = this.graph;
    if (!graph) return;
    const started = new Map<string, number>();
    const next = (): AssetCell | undefined => {
      const cell = this.nextCell();
      if (cell === undefined) return undefined;
      started.set(cell.name, this.generations.get(cell.name) ?? 0);
      this.setStatus(cell.name, { state: "running" });
      this.publish();
      return cell;
    };
    // The graph of the latest edit: a cell added or renamed while this loop runs is known to it.
    const plan: CellSequence = { cells: pulled(next), upstream: (name) => (this.graph?.has(name) ? this.graph.upstream(name) : []) };
    await execute({
      plan,
      warehouse: this.warehouse,
      now: this.options.now,
      hooks: {
        attempt: (cell) => this.materialize(cell),
        onEvent: (event) => {
          if (event.type === "asset_finished") this.finished(event.cell, event.outcome, started.get(event.cell.name));
        },
      },
    });
  }

  private finished(cell: AssetCell, outcome: AssetOutcome, startedAt: number | undefined): void {
    // Made dirty while it ran (its text, or an input above it, changed): this result belongs to old inputs, so it stays dirty.
    if ((this.generations.get(cell.name) ?? 0) !== startedAt) return;
    this.dirty.delete(cell.name);
    const runs = (this.statuses.get(cell.name)?.runs ?? 0) + 1;
    const { durationMs, checks } = outcome;
    switch (outcome.status) {
      case "succeeded":
        this.setStatus(cell.name, { state: "fresh", runs, durationMs, rows: outcome.rows, columns: outcome.columns, checks, error: undefined, sampledFrom: this.sampledSources(cell.name) });
        break;
      case "unsupported":
        this.setStatus(cell.name, { state: "idle", runs, durationMs, error: `${cell.kind} cells cannot run here yet` });
        break;
      case "failed":
      case "skipped":
      case "cancelled":
        this.setStatus(cell.name, { state: "error", runs, durationMs, checks, error: outcome.reason });
        this.block(cell.name);
        break;
      default: {
        const unreachable: never = outcome.status;
        throw new Error(`unknown status ${String(unreachable)}`);
      }
    }
    this.publish();
  }

  /**
   * What `name`'s fresh result was computed from that is a sample: itself (a capped
   * preview), the sampled sources of the cells it reads, the sampled external tables it reads.
   */
  private sampledSources(name: string): string[] | undefined {
    const sources = new Set<string>(this.sampledSelf.has(name) ? [name] : []);
    for (const up of this.graph?.has(name) ? this.graph.upstream(name) : []) for (const source of this.statuses.get(up)?.sampledFrom ?? []) sources.add(source);
    for (const ref of this.cellExternals.get(name) ?? []) {
      const external = this.externals.get(externalTableName(ref));
      if (external?.state === "loaded" && external.sampled) sources.add(external.table);
    }
    return sources.size === 0 ? undefined : [...sources].sort();
  }

  /** SQL and charts run here; extract and ML cells as the host says (the server previews extracts, a worker trains). */
  private async materialize(cell: AssetCell): Promise<AttemptResult> {
    const { warehouse } = this;
    const missing = this.missingExternal(cell);
    if (missing !== null) return { ok: false, reason: missing, checks: [] };
    if (cell.kind === "extract" || cell.kind === "ml") {
      if (!this.options.materializeOther) return "unsupported";
      // Placed in a schema, its tables are served there too (as materializeCell does for SQL).
      const result = await this.options.materializeOther(cell, placedWarehouse(warehouse, cell), { partition: this.partition });
      if (result !== "unsupported" && result.ok && result.sampled === true) this.sampledSelf.add(cell.name);
      else this.sampledSelf.delete(cell.name);
      return result;
    }
    // A preview shows what a whole build gives: an incremental cell is never merged into the previous preview.
    // A view cell is kept as a table here: the preview reads its rows, statistics and samples again and again.
    return materializeCell(cell, warehouse, { extract: null, fullRefresh: true, viewAsTable: true });
  }

  private markDirty(name: string): void {
    this.dirty.add(name);
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
  }

  /** Cells below a failed one cannot run until it is fixed; its next edit makes them dirty again. */
  private block(failed: string): void {
    for (const below of this.graph?.descendants(failed) ?? []) {
      this.dirty.delete(below);
      this.setStatus(below, { state: "blocked", error: `upstream "${failed}" has an error` });
    }
  }

  private setStatus(name: string, patch: Partial<CellStatus>): void {
    const current = this.statuses.get(name);
    if (current) this.statuses.set(name, { ...current, ...patch });
  }

  private publish(): void {
    this.options.onChange?.(this.snapshot());
  }
}

/** An iterable that asks for each next item only when the executor is ready for it. */
function pulled<T>(next: () => T | undefined): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      for (let item = next(); item !== undefined; item = next()) yield item;
    },
  };
}
