// One error type for every Warehouse adapter, built at ONE choke point
// (`enrichWarehouseError`) so users get the same hints whatever the backend.

export type WarehouseErrorKind =
  | "permission" // file or network access outside what the warehouse allows
  | "locked_configuration" // SQL tried to change a locked setting
  | "extension" // INSTALL / LOAD of an extension that is not built in
  | "missing_table"
  | "syntax"
  | "binder"
  | "conversion"
  | "constraint"
  | "io"
  | "transaction"
  | "column_mismatch" // loaded data does not fit the existing table
  | "closed"
  | "file_in_use" // the database file is held by another process or warehouse
  | "interrupted" // stopped by its caller's AbortSignal (lib/warehouse/abortable.ts)
  | "other";

export interface WarehouseErrorDetails {
  kind: WarehouseErrorKind;
  /** What the backend said, unchanged. */
  backendMessage: string;
  /** A sentence for the user on what to do about it. */
  hint?: string;
  /** The SQL that failed, when there was one. */
  sql?: string;
  /** 1-based line of the error inside `sql`, when the backend reported one. */
  line?: number;
  /** The table the error is about (missing_table). */
  table?: string;
  cause?: unknown;
}

export class WarehouseError extends Error {
  readonly kind: WarehouseErrorKind;
  readonly backendMessage: string;
  readonly hint?: string;
  readonly sql?: string;
  readonly line?: number;
  readonly table?: string;

  constructor(details: WarehouseErrorDetails) {
    // The hint goes into the message too: a CLI that prints only `message` still shows it.
    super(details.hint ? `${details.backendMessage}\nHint: ${details.hint}` : details.backendMessage, {
      cause: details.cause,
    });
    this.name = "WarehouseError";
    this.kind = details.kind;
    this.backendMessage = details.backendMessage;
    this.hint = details.hint;
    this.sql = details.sql;
    this.line = details.line;
    this.table = details.table;
  }
}

export interface ErrorContext {
  /** The workspace data directory SQL may read, if any. */
  dataDir?: string;
  /** Extensions built into this backend (default: json, parquet, icu; DuckDB-WASM offline has none). */
  builtInExtensions?: readonly string[];
}

/** The choke point: turns anything a backend threw into a WarehouseError with a hint. */
export function enrichWarehouseError(error: unknown, sql: string | undefined, context: ErrorContext = {}): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const backendMessage = error instanceof Error ? error.message : String(error);
  const kind = classifySqlState(sqlStateOf(error)) ?? classify(backendMessage);
  const table = kind === "missing_table" ? missingTableName(backendMessage) : undefined;
  return new WarehouseError({
    kind,
    backendMessage,
    hint: hintFor(kind, table, context),
    sql,
    line: lineOf(backendMessage),
    table,
    cause: error,
  });
}

/** PostgreSQL reports a SQLSTATE code; DuckDB does not (it is classified by its message). */
function sqlStateOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  const code = error.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function classifySqlState(code: string | undefined): WarehouseErrorKind | undefined {
  if (code === undefined) return undefined;
  if (code === "42P01") return "missing_table";
  if (code === "57014") return "interrupted"; // query_canceled: pg_cancel_backend, or a statement timeout
  if (code === "42601") return "syntax";
  if (code === "42501") return "permission";
  if (code.startsWith("42")) return "binder";
  if (code.startsWith("22")) return "conversion";
  if (code.startsWith("23")) return "constraint";
  if (code.startsWith("25") || code.startsWith("40")) return "transaction";
  if (code.startsWith("58")) return "io";
  return "other";
}

function classify(message: string): WarehouseErrorKind {
  if (/configuration has been locked/i.test(message)) return "locked_configuration";
  // INSTALL fails on the extension directory, LOAD on the setting: both are about extensions.
  if (/extensions? is disabled|loading external extensions|extension .* not found|autoload|\/\.duckdb\/extensions/i.test(message)) return "extension";
  if (/is not in the catalog, but it exists in the \w+ extension/i.test(message)) return "extension";
  if (/^Permission Error|file system operations are disabled|Cannot access (file|directory)/i.test(message)) return "permission";
  if (/^Catalog Error: Table (with name )?.* does not exist/i.test(message)) return "missing_table";
  if (/^Parser Error/i.test(message)) return "syntax";
  if (/^Binder Error/i.test(message)) return "binder";
  if (/^Conversion Error|^Invalid Input Error: .*convert/i.test(message)) return "conversion";
  if (/^Constraint Error/i.test(message)) return "constraint";
  if (/Could not set lock on file|already open in this process/i.test(message)) return "file_in_use";
  if (/^IO Error/i.test(message)) return "io";
  if (/^TransactionContext Error/i.test(message)) return "transaction";
  // DuckDB's interrupt(), and DuckDB-WASM's cancelled pending query.
  if (/^INTERRUPT Error|^query was canceled/i.test(message)) return "interrupted";
  return "other";
}

function hintFor(kind: WarehouseErrorKind, table: string | undefined, context: ErrorContext): string | undefined {
  switch (kind) {
    case "permission":
      return context.dataDir
        ? `file access is limited to the workspace data directory (${context.dataDir})`
        : "file and network access are disabled for this warehouse";
    case "locked_configuration":
      return "warehouse settings are locked and cannot be changed from SQL";
    case "extension": {
      const builtIn = context.builtInExtensions ?? ["json", "parquet", "icu"];
      return builtIn.length > 0
        ? `extensions cannot be installed or loaded here; only the built-in ones (${builtIn.join(", ")}) are available`
        : "extensions cannot be installed or loaded here, and none are built into this warehouse";
    }
    case "missing_table":
      return `no asset or table named ${table ?? "this"} in this warehouse; is it produced by a cell that has not run (or failed), or a source that was never loaded?`;
    case "file_in_use":
      return "DuckDB allows one writer per database file: close the other process or warehouse that holds it";
    case "syntax":
    case "binder":
    case "conversion":
    case "constraint":
    case "io":
    case "transaction":
    case "column_mismatch":
    case "closed":
    case "interrupted":
    case "other":
      return undefined;
    default:
      return assertNever(kind);
  }
}

function missingTableName(message: string): string | undefined {
  return (/Table (?:with name )?"?([^"!\n]+?)"? does not exist/i.exec(message) ?? /relation "([^"]+)" does not exist/i.exec(message))?.[1];
}

/** DuckDB appends "LINE n: <snippet>" and a caret; keep the line number (the column is
 * unreliable because DuckDB shortens long lines in the snippet). */
function lineOf(message: string): number | undefined {
  const match = /\bLINE (\d+):/.exec(message);
  return match?.[1] ? Number(match[1]) : undefined;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

/** A guard of a swap or transaction (lib/warehouse/types.ts Guard) found no row: nothing changed. */
export class GuardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GuardError";
  }
}
