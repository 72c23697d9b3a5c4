// The editor's reactive session as its host sees it: what it reports (a snapshot of every
// cell's state) and what the host plugs in (how extract and ML cells run, how external
// tables load). The session itself is reactive.ts.
import { qualifiedName, type AssetGraph, type SqlReferenceParser, type TableRef } from "../graph";
import type { CheckResult } from "../checks";
import type { Workspace } from "../notebook/workspace-file";
import type { AssetCell, CellKind, Notebook, NotebookIssue } from "../notebook/types";
import type { Column, Warehouse } from "../warehouse/types";
import type { AttemptResult } from "./executor";
import type { SessionPartitions } from "./session-partitions";

export type CellRunState = "idle" | "queued" | "running" | "fresh" | "stale" | "error" | "blocked";

export interface CellStatus {
  name: string;
  kind: CellKind;
  state: CellRunState;
  /** How many times this cell has been materialized in this session. */
  runs: number;
  durationMs?: number;
  rows?: number;
  columns?: Column[];
  checks: CheckResult[];
  error?: string;
  /**
   * The sampled sources this result was computed from (its own name when a preview stopped
   * at its cap, sampled cells and external tables above it); absent when it is exact. Its
   * rows and everything computed from it may then differ from a full run.
   */
  sampledFrom?: string[];
}

/** An external table as the host loaded it; `sampled`: the host loaded only part of its rows. */
export type ExternalTableStatus =
  | { table: string; state: "loading" }
  | { table: string; state: "loaded"; rows: number; sampled: boolean }
  | { table: string; state: "failed"; error: string };

/** What loading one external table gave: its rows, or why it is not there (naming the table). */
export type ExternalLoad = { ok: true; rows: number; sampled: boolean } | { ok: false; error: string };

/**
 * Loads an external table into the session's warehouse under `table` (the name the cells
 * read: `orders`, or `raw.events` for another schema). Never throws: a failure is an answer.
 */
export type ExternalLoader = (table: string, warehouse: Warehouse) => Promise<ExternalLoad>;

/** The name an external table is loaded and looked up under: `main.orders` is `orders`; other schemas stay qualified. */
export function externalTableName(ref: TableRef): string {
  const own = !ref.catalog && (ref.schema === undefined || ref.schema === "" || ref.schema.toLowerCase() === "main");
  return (own ? ref.name : qualifiedName(ref)).toLowerCase();
}

export interface ReactiveSnapshot {
  notebook?: Notebook;
  graph?: AssetGraph;
  issues: NotebookIssue[];
  cells: CellStatus[];
  /** The external tables the cells read (in the front matter's order, then the order the cells read them), as the host loaded them. */
  externals: ExternalTableStatus[];
  /** Which cell reads which external table (`from` the table, `to` the cell), for the graph. */
  externalEdges: { from: string; to: string }[];
  /** A partitioned notebook's partitions and the one its cells run with. */
  partitions?: SessionPartitions;
}

/**
 * How cells other than SQL and charts are materialized in this host (extract via the server,
 * ML in a worker); `partition` is the key the session runs with (an extract's values).
 */
export type CellMaterializer = (cell: AssetCell, warehouse: Warehouse, run: { partition: string | null }) => Promise<AttemptResult>;

export interface ReactiveOptions {
  warehouse: Warehouse;
  parser: SqlReferenceParser;
  file: string;
  onChange?: (snapshot: ReactiveSnapshot) => void;
  materializeOther?: CellMaterializer;
  now?: () => number;
  /** The partition a partitioned notebook runs with; null (the default): the newest one that has started. */
  partition?: string | null;
  /** The wall clock that says which partitions have started (default: the system's). */
  clock?: () => Date;
  /**
   * Loads the external tables the cells read, each once per session, before any cell that
   * reads it runs. Without it, they are expected in the warehouse already.
   */
  loadExternal?: ExternalLoader;
  /** The workspace file's development values: variables, connections, macros, checks (default: none). */
  workspace?: Workspace;
}
