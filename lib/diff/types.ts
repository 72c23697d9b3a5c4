// The data diff of one asset: its version in an environment against production's.

/** A column as the warehouse describes it. */
export interface DiffColumn {
  name: string;
  type: string;
}

/** One side of a diff: a relation (already quoted, e.g. `"v"."orders__ab12"`) and its columns. */
export interface DiffSide {
  relation: string;
  columns: readonly DiffColumn[];
}

export interface DiffOptions {
  /** Key columns: rows are matched by them. Without a key, rows are compared as multisets. */
  key?: readonly string[];
  /** Floating-point values within this absolute difference are equal (default 0). */
  tolerance?: number;
  /** Rows of each kind (added, removed, changed) returned as samples (default 5). */
  sampleSize?: number;
}

export interface SchemaDiff {
  added: string[];
  removed: string[];
  retyped: { name: string; production: string; env: string }[];
}

export interface ColumnDiff {
  name: string;
  /** Matched rows whose value of this column differs. */
  changed: number;
  /** Share of matched rows whose value is the same (1 when no row matched). */
  match: number;
}

export interface SampleRow {
  kind: "added" | "removed" | "changed";
  /** The key of the row, as text. */
  key: Record<string, string | null>;
  /** For changed rows: each differing column's production and env values, as text. */
  values: Record<string, { production: string | null; env: string | null }>;
}

export interface DataDiff {
  schema: SchemaDiff;
  rows: { production: number; env: number };
  /** With a key: rows only in env, only in production, and matched rows that differ. Without one: the multiset difference. */
  added: number;
  removed: number;
  changed: number | null;
  columns: ColumnDiff[];
  sample: SampleRow[];
  warnings: string[];
}
