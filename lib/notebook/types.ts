// The parsed form of a notebook file. Pure data: no framework, no I/O.
import type { FreshnessPolicy, RunRetries } from "./schemas/common";
import type { PartitionsDef } from "./schemas/partitions";
import type { ParamDef } from "./params";

export type { FreshnessPolicy, RunRetries } from "./schemas/common";
export type { PartitionsDef, DimensionDef, TimePartitionsDef } from "./schemas/partitions";

export const CELL_KINDS = ["extract", "sql", "ml", "chart"] as const;
export type CellKind = (typeof CELL_KINDS)[number];

export type Severity = "error" | "warn";

/** A value written in a check: a quoted string, a number or a boolean. */
export type CheckLiteral = string | number | boolean;

/** A data test on an asset. `sql` checks return failing rows; `this` names the asset under test. */
export type Check =
  | { type: "not_null"; column: string; severity: Severity }
  | { type: "unique"; columns: string[]; severity: Severity }
  | { type: "accepted_values"; column: string; values: (string | number | boolean)[]; severity: Severity }
  | { type: "relationships"; column: string; to: string; toColumn: string; severity: Severity }
  | { type: "row_count"; min?: number; max?: number; severity: Severity }
  | { type: "freshness"; column: string; maxAgeSeconds: number; severity: Severity }
  // The common checks of dbt's utility packages, by their dbt names.
  | { type: "unique_combination_of_columns"; columns: string[]; severity: Severity }
  | { type: "expression_is_true"; expression: string; severity: Severity; /** 1-based line of the check in the file. */ line?: number }
  | { type: "accepted_range"; column: string; min?: CheckLiteral; max?: CheckLiteral; inclusive: boolean; severity: Severity }
  | { type: "not_empty_string"; column: string; severity: Severity }
  | { type: "recency"; column: string; maxAgeSeconds: number; severity: Severity }
  | { type: "equal_rowcount"; to: string; severity: Severity }
  /**
   * A call of a check that is not built in (`positive(amount)`): one of the workspace file's
   * checks, resolved by applyWorkspace (an unknown one is reported there, at its place).
   */
  | { type: "call"; name: string; args: string[]; severity: Severity; line?: number; column?: number }
  | { type: "sql"; name: string; sql: string; severity: Severity; /** 1-based line of the check in the file. */ line?: number };

export interface ProseCell {
  type: "prose";
  /** The prose exactly as written (without the blank lines that separate cells). */
  text: string;
  /** 1-based line of the first line of the prose in the file. */
  line: number;
}

interface AssetCellBase<K extends CellKind, C> {
  type: "asset";
  kind: K;
  name: string;
  /** The fence's info string after `<kind> <name>` (kept for round-trips). */
  infoRest: string;
  /** The text between the fences, exactly as written. */
  body: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** 1-based line of the first body line. */
  bodyLine: number;
  config: C;
  /** Explicit dependencies (`deps`), in addition to those found in SQL or `from:`. */
  deps: string[];
  checks: Check[];
}

/** Run keys (lib/notebook/schemas/run-keys.ts): in a SQL cell's header, in a YAML cell's body. */
export interface CellRunKeys {
  freshness?: FreshnessPolicy;
  schedule?: { cron: string; timezone?: string; params?: Record<string, string | number | boolean> };
  refresh?: "on_upstream_update";
  tags?: string[];
  concurrency?: number;
}

/** Run policy of a SQL cell (`-- retries: 3`, `-- timeout: 30s`), over the notebook's defaults. */
export interface SqlRunPolicy {
  retries?: RunRetries;
  /** Seconds per attempt. */
  timeout?: number;
}

/** `-- contract: freeze | warn`: a change in a SQL cell's output columns or types fails its build, or warns. */
export const SQL_CONTRACT_LEVELS = ["freeze", "warn"] as const;
export type SqlContractLevel = (typeof SQL_CONTRACT_LEVELS)[number];

/** A workspace macro a SQL cell calls, as the warehouse holds it (lib/notebook/apply-workspace.ts). */
export interface CellMacro {
  /** The workspace's name. */
  macro: string;
  schema: string;
  /** The name with a hash of the content: never redefined. */
  name: string;
  args: readonly string[];
  sql?: string;
  table?: string;
}

export type SqlCell = AssetCellBase<
  "sql",
  {
    sql: string;
    description?: string;
    external?: string[];
    contract?: SqlContractLevel;
    /**
     * `-- materialized: incremental`: later runs merge new rows by `uniqueKey`; `view`: a view
     * over the SQL, nothing stored (absent: a table, rebuilt).
     */
    materialized?: "table" | "incremental" | "view";
    /** `-- unique_key: a, b`: the key an incremental cell's new rows replace old ones by. */
    uniqueKey?: string[];
    /** `-- incremental: <predicate>`: on an incremental run, the rows kept of the cell's output; `this` is the current table. */
    incremental?: string;
    /** Set by applyWorkspace: the macros `sql` calls (and those they call), created before it runs. */
    macros?: CellMacro[];
    /** `-- schema: staging`: the schema its table is placed in. */
    schema?: string;
  } & CellRunKeys &
    SqlRunPolicy
>;
export type ExtractCell = AssetCellBase<"extract", ExtractConfig>;
export type MlCell = AssetCellBase<"ml", MlConfig>;
export type ChartCell = AssetCellBase<"chart", ChartConfig>;
export type AssetCell = SqlCell | ExtractCell | MlCell | ChartCell;
export type Cell = ProseCell | AssetCell;

export interface ExtractConfig {
  source: "rest" | "file";
  [key: string]: unknown;
}
export interface MlConfig {
  from: string;
  target: string;
  features: string[];
  model: "linear" | "ridge" | "logistic" | "random_forest" | "gradient_boosting";
  [key: string]: unknown;
}
export interface ChartConfig {
  from: string;
  mark: string;
  [key: string]: unknown;
}

export interface Notebook {
  /** Path as given by the caller (used in error messages). */
  file: string;
  frontMatter: FrontMatter;
  /** The front matter's YAML text exactly as written, without the `---` lines. */
  frontMatterText: string;
  cells: Cell[];
}

export interface FrontMatter {
  title?: string;
  owners?: string[];
  schedule?: { cron: string; timezone?: string; params?: Record<string, string | number | boolean> };
  refresh?: "on_upstream_update";
  tags?: string[];
  concurrency?: number;
  /** Tables read by SQL that no cell produces (sources loaded outside this notebook). */
  external?: string[];
  /** The schema every asset is placed in, unless its cell names one (absent: the warehouse's own). */
  schema?: string;
  partitions?: PartitionsDef;
  retries?: RunRetries;
  /** Seconds per asset attempt. */
  timeout?: number;
  /** Seconds for a whole run. */
  run_timeout?: number;
  lazy?: boolean;
  freshness?: FreshnessPolicy;
  params?: Record<string, ParamDef>;
  [key: string]: unknown;
}

/** One problem in a notebook, with the place it is at. */
export interface NotebookIssue {
  file: string;
  line: number;
  column: number;
  cell?: string;
  field?: string;
  message: string;
}

export function formatIssue(i: NotebookIssue): string {
  const where = `${i.file}:${i.line}:${i.column}`;
  const cell = i.cell ? ` cell "${i.cell}"` : "";
  const field = i.field ? ` ${i.field}:` : "";
  return `${where}${cell}:${field} ${i.message}`;
}

export type ParseResult = { ok: true; notebook: Notebook } | { ok: false; issues: NotebookIssue[]; notebook?: Notebook };
