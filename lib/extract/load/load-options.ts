// What an extract run is asked to load (ExtractLoadOptions) and what it reports when it
// commits (ExtractLoadResult): the loader's contract with its callers.
import type { Contract } from "../normalize/contract";
import type { NameMapping } from "../normalize/names";
import type { LoadedTable } from "./asset-state";
import type { CursorValue } from "./incremental";
import type { StagingScope } from "./staging";

export type WriteDisposition = "append" | "replace" | "merge";

export interface ExtractLoadOptions {
  /** The asset (cell) name: the root table; child tables are `<asset>__<field>`. */
  asset: string;
  /** Default `append`. */
  writeDisposition?: WriteDisposition;
  primaryKey?: string | readonly string[];
  contract?: Partial<Contract>;
  maxDepth?: number;
  /** Source field whose largest loaded value is stored as the incremental cursor. */
  cursorField?: string;
  /**
   * A partitioned run: every row is tagged with `column = key`, and the run reads and
   * replaces only that partition's rows (replace: the partition's rows; append: added to
   * them; merge: upserted among them). Its cursor is the partition's own.
   */
  partition?: TablePartition;
  /** Staging names of one attempt of a production run; absent: the plain names (CLI, preview). */
  staging?: StagingScope;
}

export interface TablePartition {
  column: string;
  key: string;
}

export interface ExtractLoadResult {
  tables: LoadedTable[];
  /** Per table: normalized column -> source field path, for the asset's metadata. */
  names: NameMapping;
  records: { loaded: number; discarded: number };
  /** The stored cursor after the run (unchanged when the run loaded none). */
  cursor?: CursorValue;
  /**
   * How the rows were staged: by SQL from what the warehouse's reader read, or page by page
   * (with why, where the SQL path was tried and refused them).
   */
  staged: StagedBy;
}

export type StagedBy = { by: "sql" } | { by: "pages"; reason?: string };
