import type { Dialect } from "./dialect";

// The Warehouse port: the only way lib/ code touches data. One adapter per backend
// (duckdb-node here; duckdb-wasm and postgres later), all passing one conformance suite.

export type Scalar = string | number | boolean | bigint | null | Date | Uint8Array;
export type Row = Record<string, unknown>;

export interface Column {
  name: string;
  /** Backend type name as the backend spells it, upper case (BIGINT, DOUBLE, VARCHAR, TIMESTAMP, ...). */
  type: string;
  nullable?: boolean;
}

/** Logical column types every adapter understands when creating tables for loaded data. */
export type LogicalType = "BIGINT" | "DOUBLE" | "BOOLEAN" | "VARCHAR" | "TIMESTAMP" | "DATE" | "JSON";

/** What createTableAs made. */
export interface CreatedTable {
  rows: number;
  columns: Column[];
}

export interface ColumnSpec {
  name: string;
  type: LogicalType;
}

/** A view by schema and name. */
export interface ViewRef {
  schema: string;
  name: string;
}

/**
 * A query run inside a transaction that must return at least one row; otherwise the
 * transaction is rolled back and GuardError (lib/warehouse/fence.ts) carries `message`.
 * An `UPDATE … RETURNING` guard also locks the rows it checks.
 */
export interface Guard {
  sql: string;
  message: string;
}

/**
 * What a view reads: every column of a table, or a query (a `materialized: view` asset's
 * SQL), whose bare names resolve from the view's own schema first, then the surface's.
 */
export type ViewTarget = { schema: string; table: string } | { sql: string };

/**
 * One step of a transaction: a statement, a view pointed at its target (or dropped:
 * `target` null; a table of the view's name is replaced by it), a table or view dropped
 * whichever it is (`onlyView`: a view, a table stays), or a guard.
 */
export type TxStep =
  | { sql: string }
  | { view: ViewRef & { target: ViewTarget | null } }
  | { drop: ViewRef; onlyView?: true; /** Views over it, dropped first when it is a view (they are made again after). */ dependents?: ViewRef[] }
  | { guard: Guard };

/** A staged table to put in place of (or create as) a target table. */
export interface Swap {
  staging: string;
  target: string;
  /** Views that read the target, pointed at the new table in the same transaction (the lifecycle's names over versions). */
  views?: ViewRef[];
  /**
   * A `materialized: view` asset: the target becomes a view over this query instead of a
   * table (`staging` is the view it was checked as, and is dropped). With `views`, those are
   * made over the query instead, and the target itself is not made (a view has no version
   * of its own to read from).
   */
  view?: string;
  /**
   * Schemas where a view of the target's name follows it (an asset placed in a schema is
   * served there too: `staging.orders`). Made in the same transaction, the schema with it.
   */
  aliases?: string[];
  /**
   * Replace only the target's rows whose `column` equals `key` by the staging rows (the
   * target is created from the staging table when missing); the staging table is dropped.
   */
  partition?: { column: string; key: string };
}

export interface StateWrite {
  key: string;
  /** JSON-serializable; `undefined` deletes the key. */
  value: unknown;
}

/**
 * A fencing token checked inside the swap's transaction: the swap happens only when no
 * higher token was recorded under `key`; it then records `token`. A refused swap throws
 * FencedError (lib/warehouse/fence.ts) and changes nothing.
 */
export interface Fence {
  key: string;
  token: number;
}

export interface SwapOptions {
  fence?: Fence;
  /** Checked inside the transaction before anything is swapped. */
  guards?: Guard[];
  /**
   * Runs inside the transaction after the swap's steps, before COMMIT (crash tests). An
   * adapter that writes statements behind (DuckDB-WASM) may not have sent them yet.
   */
  beforeCommit?: () => Promise<void>;
  /**
   * A replaced table is renamed to `retireAs(target)` instead of dropped in the transaction:
   * freeing a large table takes longer than the swap itself, and the caller (the editor's
   * preview) drops it later, off its critical path. The name must not be taken.
   */
  retireAs?: (target: string) => string;
}

/**
 * Data files read by the warehouse's own readers (DuckDB's read_csv, read_parquet and
 * read_json), so their rows never pass through JavaScript; absent where it cannot
 * (PostgreSQL, the browser).
 */
export interface FileReader {
  /** The directory (resolved) whose files it may read. */
  readonly dataDir: string;
  /** A private directory it may read too: where a REST extract spools its records (removed with the warehouse). */
  readonly spoolDir: string;
  /**
   * Rows a table is scanned in by one thread at a time (DuckDB's row group): a table of fewer
   * rows is read by one thread alone. A REST spool profiles its records in chunks of a few.
   */
  readonly scanRows: number;
  /**
   * Creates `table` from the files' records, in their order, typed by the reader. JSON is
   * read as records (objects), every record scanned for its fields and their types; text is
   * never read as a date; the table is temporary unless `persistent`. Nested records keep
   * their fields (`RawColumn.fields`).
   */
  load(table: string, files: string | readonly string[], format: FileReadFormat, options?: { persistent?: boolean; computed?: ComputedColumn }): Promise<RawTable>;
  /**
   * The columns `load` would give these files, read without loading them: for a typed
   * reader's formats (CSV, Parquet) only, whose schema a sniff or the file's metadata gives.
   */
  columns(files: string | readonly string[], format: "csv" | "parquet"): Promise<RawColumn[]>;
  /**
   * Creates the temporary `table` of a list's elements: per element of `list` (SQL over `from`),
   * in the rows' order and then the list's, the `carried` values of its row, its index
   * (`UNNESTED.index`, from 0) and itself (`UNNESTED.element`). Released by `release`.
   */
  unnest(table: string, from: RawTable, list: string, carried: readonly { name: string; sql: string }[]): Promise<UnnestedTable>;
  /**
   * JSON or NDJSON files' records as a relation read where it is used, no table written:
   * `load`'s columns and order, positions counted from `offset`. `columns`: as `load` types
   * these files (read from them when absent); `rows`: how many records they hold, as the
   * caller counted them. Null where a field's name would clash with the position's.
   */
  relation(files: readonly string[], format: "json" | "ndjson", options: { rows: number; offset?: number; columns?: readonly RawColumn[] }): Promise<RawTable | null>;
  /** Drops a table `load` or `unnest` made, if it is still there (one made in place may have been renamed since). */
  release(table: string): Promise<void>;
  /** The JSON text of the records at these positions of a JSON or NDJSON file (or files read as one, as `load` reads them), by position. */
  records(files: string | readonly string[], format: "json" | "ndjson", positions: readonly number[]): Promise<Map<number, string>>;
  /** SQL over a table `load` made, in this backend's spelling. */
  readonly sql: {
    /** A field of a nested record. */
    field(expression: string, name: string): string;
    /** Whether a number is a whole number an int64 holds (NULL for NULL). */
    isWhole(expression: string): string;
    /** Whether an integer is one a JavaScript number holds exactly. */
    isSafeInteger(expression: string): string;
    /** Whether a number is finite (not NaN or infinite, which JSON.parse refuses). */
    isFinite(expression: string): string;
    /** Whether a date or timestamp is a finite one between years 1 and 9999. */
    isOrdinaryTime(expression: string): string;
    /** Whether text matches a regular expression as a whole (case-insensitive unless `caseSensitive`). */
    matches(expression: string, pattern: string, caseSensitive?: boolean): string;
    /** ISO 8601 text as a date; NULL where it is not one. */
    textToDate(expression: string): string;
    /** ISO 8601 text as a UTC timestamp (an offset applied, none read as UTC); NULL where it is not one. */
    textToTimestamp(expression: string): string;
    /** A timestamp cut to whole milliseconds. */
    toMillis(expression: string): string;
    /**
     * A value's text in a content row key, as the extract's keyText writes the value the page
     * path gets for it (NULL for NULL), by what that value is.
     */
    keyText: Record<KeyTextKind, (expression: string) => string>;
    /** A list's text in a content row key: `[` its items' texts (`item`, `null` for NULL) `]`; NULL for NULL. */
    keyList(list: string, item: (element: string) => string): string;
    /** The md5 of text's UTF-8 bytes, as 32 lowercase hex digits. */
    md5(expression: string): string;
    /** A bucket from 0 to `buckets` - 1 for a value (a row of values too): equal values share one. */
    bucket(expression: string, buckets: number): string;
  };
}

export type FileReadFormat = "csv" | "parquet" | "json" | "ndjson";

/** The columns FileReader.unnest adds: an element's index in its list, and the element. */
export const UNNESTED = { index: "__ab_index", element: "__ab_element" } as const;

/**
 * What a value is to a content row key: text (a JSON string), an integer (its digits), a
 * double (String(n)'s spelling), a boolean, a date (its ISO text, quoted), a timestamp (ISO
 * text as DuckDB writes its digits, quoted).
 */
export type KeyTextKind = "text" | "integer" | "double" | "boolean" | "date" | "timestamp";

/** A table FileReader.load made (or a query over several). */
export interface RawTable {
  /** How SQL names it. */
  sql: string;
  /** A row's position among the records read (0-based), as SQL over it. */
  position: string;
  rows: number;
  columns: RawColumn[];
  /**
   * A temporary table or a query, always copied (JSON: a temporary table is written at half
   * the cost); otherwise a table of the schema, which may become the staged table itself.
   */
  temporary: boolean;
  /**
   * The same rows without their position, for a scan that does not need it: a relation over
   * files numbers its rows at a cost (about a JSON scan's again).
   */
  scan?: string;
  /**
   * The same rows in parts, in order, each a relation with the whole's columns and positions:
   * an aggregate may be taken part by part and its values merged.
   */
  parts?: readonly RawTable[];
  /** A column computed from each record as it was read, after the reader's (not among `columns`). */
  computed?: ComputedColumn;
}

/**
 * A list's elements as FileReader.unnest made them, each of which knows its record: the
 * record's position in the table unnested (whose positions count from 0), found without
 * carrying it in every element (numbering a relation over files serializes its read).
 */
export interface UnnestedTable extends RawTable {
  /** The record of each element at these positions (absent: no element there). */
  recordsOf(positions: readonly number[]): Promise<Map<number, number>>;
  /** SQL for the elements with their record's position as a column `name` beside theirs (a pass over them all). */
  withRecords(name: string): string;
}

/** A column `FileReader.load` computes while it reads (a content key): its name and SQL over the reader's columns. */
export interface ComputedColumn {
  name: string;
  sql: string;
}

/** A column as a file reader typed it; a nested record's has its fields, a list its element. */
export interface RawColumn {
  name: string;
  type: string;
  fields?: readonly RawColumn[];
  /** A list's element (named ""). */
  element?: RawColumn;
}

export interface Warehouse {
  readonly backend: "duckdb-node" | "duckdb-wasm" | "postgres";
  /** How this backend spells what differs (code outside lib/warehouse asks this, never `backend`). */
  readonly dialect: Dialect;
  /** Whether `swap` honours a fence; one that cannot refuses a fenced swap (FenceUnsupportedError) rather than ignore it. */
  readonly fences: boolean;
  /** The schema this surface creates and describes tables in (`main` on DuckDB; the configured one on PostgreSQL). */
  readonly schema: string;
  /** Runs SQL (one or more statements) and returns the rows of the last one as plain JS objects. */
  query(sql: string): Promise<Row[]>;
  /** Runs SQL for its effect. */
  exec(sql: string): Promise<void>;
  /**
   * Creates `table` as the rows of `select` (replacing a table of that name an earlier
   * attempt left) and returns how many rows it holds (from the statement's own result)
   * and its columns, as `describe` gives them.
   */
  createTableAs(table: string, select: string): Promise<CreatedTable>;
  /** Columns of a table in the main schema, or null when it does not exist. */
  describe(table: string): Promise<Column[] | null>;
  /** Creates `table` with `columns` if missing, then appends the rows (bulk, not row-by-row INSERT). */
  loadRows(table: string, columns: ColumnSpec[], rows: Row[]): Promise<void>;
  /** Creates or appends to `table` from an Arrow IPC stream. */
  loadArrow(table: string, ipc: Uint8Array): Promise<void>;
  /**
   * In ONE transaction: replace each target by its staging table (targets that do not
   * exist are created), and write the extract state. Either all of it happens or none.
   */
  swap(swaps: Swap[], state?: StateWrite[], options?: SwapOptions): Promise<void>;
  /** Runs the steps in ONE transaction: all of them happen, or none. */
  transaction(steps: TxStep[], options?: Pick<SwapOptions, "beforeCommit">): Promise<void>;
  /**
   * The same connection as a surface whose tables live in `schema` (created, described,
   * loaded, swapped and dropped there), and whose SQL resolves a bare name through
   * `schema`, then `readSchemas` in order. State and metadata are shared.
   */
  inSchema(schema: string, readSchemas: readonly string[]): Warehouse;
  /** Reading data files where they lie (DuckDB), when the warehouse can. */
  readonly files?: FileReader;
  /** Reads an extract-state value written by `swap` (undefined when absent). */
  readState(key: string): Promise<unknown>;
  /** Drops a table if it exists. */
  drop(table: string): Promise<void>;
  close(): Promise<void>;
  /**
   * This warehouse under `signal`: when it aborts, the statement in flight is stopped (its
   * call rejects with a WarehouseError of kind `interrupted`) and later calls are refused,
   * but `drop` (cleanup) and `close`. Every adapter has it; a wrapper may leave it out, and
   * `abortable()` (abortable.ts) then only refuses calls after the abort.
   */
  withSignal?(signal: AbortSignal): Warehouse;
}

/** Quotes an identifier for SQL (both DuckDB and PostgreSQL accept double quotes). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for SQL. */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
