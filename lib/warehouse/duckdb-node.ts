// The Warehouse port on DuckDB for Node (@duckdb/node-api): used by the CLI and workers.
// One connection, calls serialized, locked down to the workspace data directory on open;
// a call under an AbortSignal interrupts the connection when it aborts.
import { createCallGate, withSignals } from "./abortable";
import { duckdbDialect } from "./dialect";
import { appendColumns } from "./duckdb-appender";
import { openLockedDuckDb, type DuckDbOpenOptions } from "./duckdb-lockdown";
import { enrichWarehouseError, WarehouseError } from "./errors";
import { CREATE_METADATA_SQL, createTableAsSql, duckdbCreatedRows, duckdbRelationKind, duckdbSearchPathSql, pointDuckdbView, qualified, readStateSql, stepsWork, swapWork, columnsFromDescribe, duckdbDescribeSql, inTransaction as runInTransaction, type StepRunner } from "./metadata-sql";
import { applyFence } from "./fence";
import { createSerialQueue } from "./serial-queue";
import { quoteIdent, type Column, type ColumnSpec, type CreatedTable, type Row, type Warehouse } from "./types";
import { duckdbFileReader } from "./duckdb-files";
import type { Call } from "./abortable";
import { coerceOrFail, toPlainValue, type LoadValue } from "./values";

export type { DuckDbOpenOptions } from "./duckdb-lockdown";

const MAIN = "main";

export async function openDuckDbWarehouse(options: DuckDbOpenOptions): Promise<Warehouse> {
  const opened = await openLockedDuckDb(options).catch((error: unknown) => {
    throw enrichWarehouseError(error, undefined, { dataDir: options.dataDir });
  });
  const { connection, dataDir, spoolDir, release } = opened;
  const errorContext = { dataDir };
  const serial = createSerialQueue();
  let closed = false;

  /** Serializes calls and refuses them after close; interrupt() stops the statement on the connection. */
  const gate = createCallGate({
    serial,
    check: () => {
      if (closed) throw new WarehouseError({ kind: "closed", backendMessage: "the warehouse is closed" });
    },
    interrupt: () => connection.interrupt(),
  });

  /** Every statement goes through here, so every error is enriched at the one choke point. */
  async function execute(sql: string): Promise<void> {
    try {
      await connection.run(sql);
    } catch (error) {
      throw enrichWarehouseError(error, sql, errorContext);
    }
  }

  const run = (sql: string): Promise<void> => gate.statement(() => execute(sql));

  const readRows = (sql: string): Promise<Row[]> =>
    gate.statement(async () => {
      try {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowObjectsJS().map((row) => {
          const plain: Row = {};
          for (const [key, value] of Object.entries(row)) plain[key] = toPlainValue(value);
          return plain;
        });
      } catch (error) {
        throw enrichWarehouseError(error, sql, errorContext);
      }
    });

  const inTransaction = (work: () => Promise<void>) => runInTransaction(run, work, (sql) => gate.statement(() => execute(sql), { cleanup: true }));


  const describeTable = async (schema: string, table: string): Promise<Column[] | null> => columnsFromDescribe(await readRows(duckdbDescribeSql(schema, table)));

  const createTableAs = async (schema: string, table: string, select: string): Promise<CreatedTable> => {
    const rows = duckdbCreatedRows(await readRows(createTableAsSql(schema, table, select, true)));
    return { rows, columns: (await describeTable(schema, table)) ?? [] };
  };


  /** Creates the table if missing and appends, in one transaction so a bad value loads nothing. */
  async function load(schema: string, table: string, specs: ColumnSpec[], batches: LoadValue[][][]): Promise<void> {
    await inTransaction(async () => {
      const columnsSql = specs.map((spec) => `${quoteIdent(spec.name)} ${spec.type}`).join(", ");
      await run(`CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${columnsSql})`);
      const tableColumns = (await describeTable(schema, table)) ?? [];
      for (const columns of batches) {
        try {
          await appendColumns(connection, schema, table, tableColumns, specs, columns);
        } catch (error) {
          throw enrichWarehouseError(error, undefined, errorContext);
        }
      }
    });
  }

  await gate.call(async () => {
    for (const sql of CREATE_METADATA_SQL) await run(sql);
  });

  const steps: StepRunner = {
    run,
    readRows,
    pointView: (view, target) => pointDuckdbView(steps, view, target),
    relationKind: (relation) => duckdbRelationKind(readRows, relation),
  };

  /** The search path the connection has now (null: DuckDB's default). */
  let currentPath: string | null = null;
  const onPath = (path: readonly string[] | null, call: Call): Call => (task) =>
    call(async () => {
      const wanted = path === null ? null : path.join(",");
      if (wanted !== currentPath) {
        await run(duckdbSearchPathSql(path));
        currentPath = wanted;
      }
      return task();
    });

  /** A surface over `schema`, resolving bare names through `path` (null: the default). */
  const surface = (schema: string, path: readonly string[] | null): Warehouse =>
    withSignals(gate, (gateCall) => {
      const call = onPath(path, gateCall);
      return {
        backend: "duckdb-node",
        dialect: duckdbDialect,
        fences: true,
        schema,
        query: (sql) => call(() => readRows(sql)),
        exec: (sql) => call(() => run(sql)),
        createTableAs: (table, select) => call(() => createTableAs(schema, table, select)),
        ...(dataDir === undefined || spoolDir === undefined
          ? {}
          : {
              files: duckdbFileReader(dataDir, spoolDir, {
                createTableAs: (table, select) => call(() => createTableAs(schema, table, select)),
                describe: (table) => call(() => readRows(duckdbDescribeSql(schema, table))),
                qualify: (table) => qualified(schema, table),
                queryAll: (statements) =>
                  call(async () => {
                    const results: Row[][] = [];
                    for (const sql of statements) results.push(await readRows(sql));
                    return results;
                  }),
              }),
            }),
        describe: (table) => call(() => describeTable(schema, table)),
        loadRows: (table, specs, rows) =>
          call(async () => {
            const columns = specs.map((spec) => rows.map((row) => coerceOrFail(row[spec.name], spec)));
            await load(schema, table, specs, [columns]);
          }),
        loadArrow: (table, ipc) =>
          call(async () => {
            // Loaded on first use: apache-arrow is large, and most processes never load Arrow here.
            const { readArrowColumns } = await import("./arrow-columns");
            const arrow = (() => {
              try {
                return readArrowColumns(ipc);
              } catch (error) {
                throw new WarehouseError({ kind: "conversion", backendMessage: messageOf(error), cause: error });
              }
            })();
            await load(schema, table, arrow.columns, arrow.batches);
          }),
        swap: (swaps, state = [], options = {}) =>
          call(() => inTransaction(() => swapWork(schema, swaps, state, options, steps, (fence, now) => applyFence(fence, { readRows, run }, { lockRow: false, now })))),
        transaction: (list, options = {}) => call(() => inTransaction(() => stepsWork(list, options, steps))),
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
            release();
          }),
      };
    });

  return surface(MAIN, null);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
