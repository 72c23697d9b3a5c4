// The Warehouse port on DuckDB-WASM: the browser's warehouse (AsyncDuckDB in a Web
// Worker), and under Node the blocking bindings for tests. Everything goes through a
// small structural `WasmConnection`, with one thin wrapper per host below.
//
// Differences from duckdb-node, all deliberate:
// - No appender: loadRows builds an Arrow IPC stream and inserts it with
//   insertArrowFromIPCStream into a staging table, then INSERT ... SELECT by name.
// - No JSON type offline (no json extension): JSON columns are VARCHAR holding JSON text.
// - Locked down on first use: no extension autoload/autoinstall (offline they hang or
//   fail misleadingly), no file or network access from SQL, configuration locked.
// - A call under an AbortSignal runs its queries through the pending-query API
//   (wasm-pending.ts), in slices, so it can cancel them between two slices. Other calls use
//   runQuery, which cannot be stopped but is one message to the worker and back, where a
//   pending query is two or three (the editor's reruns make dozens of statements per edit).
import { createCallGate, withSignals } from "./abortable";
import { duckdbDialect } from "./dialect";
import { FenceUnsupportedError } from "./fence";
import type { AsyncDuckDBConnection } from "@duckdb/duckdb-wasm";
import type { DuckDBConnection as BlockingDuckDBConnection } from "@duckdb/duckdb-wasm/blocking";
import { tableFromIPC, tableToIPC } from "apache-arrow";
import { logicalTypeOf, readArrowColumns } from "./arrow-columns";
import { arrowIpcFromColumns, rowsFromArrowIpc } from "./arrow-ipc";
import { enrichWarehouseError, WarehouseError } from "./errors";
import { CREATE_METADATA_SQL, createTableAsSql, duckdbCreatedRows, duckdbRelationKind, duckdbSearchPathSql, pointDuckdbView, qualified, readStateSql, stepsWork, swapWork, columnsFromDescribe, duckdbDescribeSql, inTransaction as runInTransaction, type StepRunner } from "./metadata-sql";
import { createSerialQueue } from "./serial-queue";
import { quoteIdent, type Column, type ColumnSpec, type LogicalType, type Row, type Warehouse } from "./types";
import { coerceOrFail } from "./values";
import { runPendingQuery } from "./wasm-pending";

/** What the adapter needs from a DuckDB-WASM connection, async whatever the host. */
export interface WasmConnection {
  /** Runs SQL (one or more statements); the last statement's result as Arrow IPC bytes. One round trip; it cannot be stopped. */
  runQuery(sql: string): Promise<Uint8Array>;
  /** Whether several runQuery calls may be in flight at once (answered in the order sent). */
  readonly pipelines: boolean;
  /** runQuery as a pending query, which interrupt() stops. */
  runInterruptible(sql: string): Promise<Uint8Array>;
  /** Cancels the query runInterruptible is running, if any. */
  interrupt(): Promise<void>;
  /** Inserts an Arrow IPC stream into `schema.name`, creating the table when `create`. */
  insertArrowFromIPCStream(ipc: Uint8Array, options: { name: string; schema?: string; create?: boolean }): Promise<void>;
  /** Tables a statement reads (DuckDB's parser); for WasmSqlReferenceParser. */
  getTableNames(sql: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The browser's AsyncDuckDBConnection as a WasmConnection. Results are taken as the IPC
 * bytes the worker sends (not the Table built with duckdb-wasm's own apache-arrow copy),
 * so they are decoded once, with the app's apache-arrow.
 */
export function wasmConnectionFromAsync(connection: AsyncDuckDBConnection): WasmConnection {
  return {
    runQuery: (sql) => connection.useUnsafe((db, id) => db.runQuery(id, sql)),
    // The worker handles its messages one at a time, in order.
    pipelines: true,
    runInterruptible: (sql) => connection.useUnsafe((db, id) => runPendingQuery(db, id, sql)),
    interrupt: async () => void (await connection.cancelSent()),
    insertArrowFromIPCStream: (ipc, options) => connection.insertArrowFromIPCStream(ipc, options),
    getTableNames: (sql) => connection.getTableNames(sql),
    close: () => connection.close(),
  };
}

/** The blocking (synchronous) connection of `@duckdb/duckdb-wasm/blocking` as a WasmConnection. */
export function wasmConnectionFromBlocking(connection: BlockingDuckDBConnection): WasmConnection {
  return {
    // Here a round trip costs nothing, and a synchronous runQuery would hold the thread: no
    // timer, no abort and no other caller could run until it ended. Every query is a pending one.
    runQuery: (sql) => connection.useUnsafe((bindings, id) => runPendingQuery(bindings, id, sql)),
    // A second pending query on the connection would replace the first.
    pipelines: false,
    runInterruptible: (sql) => connection.useUnsafe((bindings, id) => runPendingQuery(bindings, id, sql)),
    interrupt: async () => void connection.useUnsafe((bindings, id) => bindings.cancelPendingQuery(id)),
    insertArrowFromIPCStream: async (ipc, options) => connection.insertArrowFromIPCStream(ipc, options),
    getTableNames: async (sql) => connection.getTableNames(sql),
    close: async () => connection.close(),
  };
}

const SCHEMA = "main";

/** Settings applied once per database; the last one makes them stick. */
export const WASM_LOCKDOWN_SQL = [
  "SET autoinstall_known_extensions = false",
  "SET autoload_known_extensions = false",
  "SET enable_external_access = false",
  "SET lock_configuration = true",
];

/** How a logical type is stored here: JSON has no type offline, so VARCHAR. */
export function wasmStorageType(type: LogicalType): string {
  return type === "JSON" ? "VARCHAR" : type;
}

const ERROR_CONTEXT = { builtInExtensions: [] };

export function createWasmWarehouse(connection: WasmConnection): Warehouse {
  const serial = createSerialQueue();
  let closed = false;
  let stagingCounter = 0;

  /** Serializes calls and refuses them after close; interrupt() cancels the pending query. */
  const gate = createCallGate({
    serial,
    check: () => {
      if (closed) throw new WarehouseError({ kind: "closed", backendMessage: "the warehouse is closed" });
    },
    interrupt: () => connection.interrupt(),
  });

  /** Every statement goes through here, so every error is enriched at the one choke point. */
  async function execute(sql: string): Promise<Uint8Array> {
    try {
      return await (gate.interruptible() ? connection.runInterruptible(sql) : connection.runQuery(sql));
    } catch (error) {
      throw enrichWarehouseError(error, sql, ERROR_CONTEXT);
    }
  }

  /**
   * Statements sent together, answered in order; all of them run, and the first error is
   * thrown (under a signal, as pending queries, they go one at a time and stop at an error).
   */
  async function executeAll(sqls: readonly string[]): Promise<Uint8Array[]> {
    if (!connection.pipelines || gate.interruptible()) {
      const results: Uint8Array[] = [];
      for (const sql of sqls) results.push(await execute(sql));
      return results;
    }
    const settled = await Promise.allSettled(sqls.map((sql) => execute(sql)));
    return settled.map((result) => {
      if (result.status === "rejected") throw result.reason;
      return result.value;
    });
  }

  async function readRows(sql: string): Promise<Row[]> {
    return rowsOf(await gate.statement(() => execute(sql)), sql);
  }

  const run = async (sql: string): Promise<void> => void (await gate.statement(() => execute(sql)));

  const inTransaction = (work: () => Promise<void>) => runInTransaction(run, work, (sql) => gate.statement(() => execute(sql), { cleanup: true }));


  const describeTable = async (schema: string, table: string): Promise<Column[] | null> => columnsFromDescribe(await readRows(duckdbDescribeSql(schema, table)));


  /**
   * Creates the table if missing, then inserts the stream through a staging table, by
   * column name (table columns the data lacks get NULL), all in one transaction so a
   * value that does not fit loads nothing.
   */
  async function load(schema: string, table: string, specs: ColumnSpec[], ipc: Uint8Array, rowCount: number): Promise<void> {
    await inTransaction(async () => {
      const columnsSql = specs.map((spec) => `${quoteIdent(spec.name)} ${wasmStorageType(spec.type)}`).join(", ");
      await run(`CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${columnsSql})`);
      assertColumnsFit(table, (await describeTable(schema, table)) ?? [], specs);
      if (rowCount === 0) return;
      stagingCounter += 1;
      const staging = `__assetbook_load_${stagingCounter}`;
      try {
        await connection.insertArrowFromIPCStream(ipc, { name: staging, schema, create: true });
      } catch (error) {
        throw enrichWarehouseError(error, undefined, ERROR_CONTEXT);
      }
      const names = specs.map((spec) => quoteIdent(spec.name)).join(", ");
      await run(`INSERT INTO ${qualified(schema, table)} (${names}) SELECT ${names} FROM ${qualified(schema, staging)}`);
      await run(`DROP TABLE ${qualified(schema, staging)}`);
    });
  }

  async function initialize(): Promise<void> {
    const [lock] = await readRows("SELECT current_setting('lock_configuration') AS locked");
    if (lock?.locked !== true) for (const sql of WASM_LOCKDOWN_SQL) await run(sql);
    for (const sql of CREATE_METADATA_SQL) await run(sql);
  }

  const ready = serial(initialize);
  // Callers see an initialization failure on their first call; nothing is left unhandled.
  ready.catch(() => undefined);

  /**
   * A swap's or a transaction's steps in one transaction, written behind: statements that
   * return nothing wait, and go with the next one that does (or with the COMMIT), so
   * BEGIN, a lookup, the renames and COMMIT cost two round trips instead of five (one where
   * `kinds` says no name is a view, so nothing is looked up). A failure anywhere rolls back
   * everything sent.
   */
  async function writeBehind(work: (steps: StepRunner) => Promise<void>, kinds: "look" | "no views" = "look"): Promise<void> {
    const waiting: string[] = ["BEGIN TRANSACTION"];
    let begun = false;
    const send = (last: string) =>
      gate.statement(() => {
        begun = true;
        return execute([...waiting.splice(0), last].join("\n;\n"));
      });
    const steps: StepRunner = {
      run: async (sql) => void waiting.push(sql),
      readRows: async (sql) => rowsOf(await send(sql), sql),
      pointView: (view, target) => pointDuckdbView(steps, view, target),
      // "no views": a name is taken to be a table or nothing, unlooked; a statement fails on one that is a view.
      relationKind: (relation) => (kinds === "no views" ? Promise.resolve("table") : duckdbRelationKind(steps.readRows, relation)),
    };
    try {
      await work(steps);
      await send("COMMIT");
    } catch (error) {
      // Nothing sent, nothing to roll back.
      if (begun) await gate.statement(() => execute("ROLLBACK"), { cleanup: true }).catch(() => undefined);
      throw error;
    }
  }
  let currentPath: string | null = null;

  const surface = (schema: string, path: readonly string[] | null): Warehouse =>
    withSignals(gate, (gated) => {
      /** Waits for initialization (its failure is every call's), then sets this surface's search path. */
      const call = <T>(task: () => Promise<T>): Promise<T> =>
        gated(async () => {
          await ready;
          const wanted = path === null ? null : path.join(",");
          if (wanted !== currentPath) {
            await run(duckdbSearchPathSql(path));
            currentPath = wanted;
          }
          return task();
        });
      return {
        backend: "duckdb-wasm",
        dialect: duckdbDialect,
        // One page, one session: no other writer to fence off, and no shared state table to keep tokens in.
        fences: false,
        schema,
        query: (sql) => call(() => readRows(sql)),
        exec: (sql) => call(() => run(sql)),
        createTableAs: (table, select) =>
          call(async () => {
            // Both sent at once: the worker runs them in order, and the page need not answer
            // the first before the second starts.
            const create = createTableAsSql(schema, table, select, true);
            const describe = duckdbDescribeSql(schema, table);
            const [created, described] = await gate.statement(() => executeAll([create, describe]));
            if (created === undefined || described === undefined) throw new Error("createTableAs: a statement went unanswered");
            return { rows: duckdbCreatedRows(rowsOf(created, create)), columns: columnsFromDescribe(rowsOf(described, describe)) ?? [] };
          }),
        describe: (table) => call(() => describeTable(schema, table)),
        loadRows: (table, specs, rows) =>
          call(async () => {
            const columns = specs.map((spec) => rows.map((row) => coerceOrFail(row[spec.name], spec)));
            await load(schema, table, specs, arrowIpcFromColumns(specs, columns), rows.length);
          }),
        loadArrow: (table, ipc) =>
          call(async () => {
            const { specs, stream, rowCount } = prepareArrow(ipc);
            await load(schema, table, specs, stream, rowCount);
          }),
        swap: (swaps, state = [], options = {}) =>
          call(async () => {
            if (options.fence !== undefined) throw new FenceUnsupportedError(options.fence, "duckdb-wasm");
            const work = (steps: StepRunner) => swapWork(schema, swaps, state, options, steps, async () => undefined);
            // The editor's reruns replace tables with tables: each would look its target up first, a
            // round trip of its own. So a swap of tables alone (no view asset, no view serving it),
            // without guards or a hook, first assumes no view is involved and goes in one round
            // trip; were one a view, a statement fails on it (DuckDB drops and renames a table or a
            // view only as what it is), nothing is kept, and the swap runs again, looking.
            const plainTables = swaps.every((swap) => swap.view === undefined && (swap.views ?? []).length === 0 && (swap.aliases ?? []).length === 0);
            if (plainTables && (options.guards ?? []).length === 0 && options.beforeCommit === undefined) {
              try {
                return await writeBehind(work, "no views");
              } catch {
                // Any failure: the swap that looks is the one whose error counts.
              }
            }
            return writeBehind(work);
          }),
        transaction: (list, options = {}) => call(() => writeBehind((steps) => stepsWork(list, options, steps))),
        inSchema: (other, readSchemas) => surface(other, [other, ...readSchemas]),
        readState: (key) =>
          call(async () => {
            const [row] = await readRows(readStateSql(key));
            return row === undefined ? undefined : JSON.parse(String(row.value));
          }),
        drop: (table) => call(() => run(`DROP TABLE IF EXISTS ${qualified(schema, table)}`)),
        close: () =>
          serial(async () => {
            if (closed) return;
            closed = true;
            await connection.close().catch(() => undefined);
          }),
      };
    });

  return surface(SCHEMA, null);
}

/**
 * Validates an Arrow IPC payload and readies it for insertion: the logical column types,
 * and a stream DuckDB can insert. Nested columns (lists, structs, maps) become JSON text,
 * as in duckdb-node, so those streams are re-encoded; others go in as they are.
 */
function prepareArrow(ipc: Uint8Array): { specs: ColumnSpec[]; stream: Uint8Array; rowCount: number } {
  try {
    const table = tableFromIPC(ipc);
    // Arrow reads bytes that are not IPC as an empty schema rather than failing.
    if (table.schema.fields.length === 0) throw new Error("not an Arrow IPC stream with columns");
    const specs = table.schema.fields.map((field) => ({ name: field.name, type: logicalTypeOf(field) }));
    if (specs.some((spec) => spec.type === "JSON")) {
      const { batches } = readArrowColumns(ipc);
      const columns = specs.map((_, index) => batches.flatMap((batch) => batch[index] ?? []));
      return { specs, stream: arrowIpcFromColumns(specs, columns), rowCount: table.numRows };
    }
    // insertArrowFromIPCStream takes the stream format only (and silently ignores a file).
    return { specs, stream: isArrowFile(ipc) ? tableToIPC(table, "stream") : ipc, rowCount: table.numRows };
  } catch (error) {
    throw new WarehouseError({ kind: "conversion", backendMessage: messageOf(error), cause: error });
  }
}

const ARROW_FILE_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"

function isArrowFile(ipc: Uint8Array): boolean {
  return ARROW_FILE_MAGIC.every((byte, index) => ipc[index] === byte);
}

/** A spec column the existing table lacks is an error: silently dropping data would be worse. */
function assertColumnsFit(table: string, tableColumns: readonly Column[], specs: readonly ColumnSpec[]): void {
  const present = new Set(tableColumns.map((column) => column.name.toLowerCase()));
  const missing = specs.filter((spec) => !present.has(spec.name.toLowerCase())).map((spec) => spec.name);
  if (missing.length === 0) return;
  throw new WarehouseError({
    kind: "column_mismatch",
    backendMessage: `table ${table} has no column(s) ${missing.join(", ")}`,
    hint: "the loaded data has columns the existing table lacks; add them first or replace the table",
  });
}

function rowsOf(ipc: Uint8Array, sql: string): Row[] {
  try {
    return rowsFromArrowIpc(ipc);
  } catch (error) {
    throw new WarehouseError({ kind: "conversion", backendMessage: `cannot read the result: ${messageOf(error)}`, sql, cause: error });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
