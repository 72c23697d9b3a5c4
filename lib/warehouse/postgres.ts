// The Warehouse port on PostgreSQL (the team option for production assets). One client,
// calls serialized, value conventions identical to the DuckDB adapters; a call under an
// AbortSignal cancels its backend's query when it aborts.
import { createCallGate, withSignals } from "./abortable";
import { postgresDialect } from "./dialect";
import pg from "pg";
import { readArrowColumns } from "./arrow-columns";
import { enrichWarehouseError, WarehouseError } from "./errors";
import { CREATE_METADATA_SQL, createTableAsSql, qualified, readStateSql, stepsWork, swapWork, columnsFromDescribe, describeSql, inTransaction as runInTransaction, type StepRunner } from "./metadata-sql";
import type { Call } from "./abortable";
import { applyFence } from "./fence";
import { postgresViewSteps } from "./postgres-views";
import { createSerialQueue } from "./serial-queue";
import { quoteIdent, type Column, type ColumnSpec, type LogicalType, type Row, type Warehouse } from "./types";
import { coerceOrFail, type LoadValue } from "./values";

export interface PostgresWarehouseOptions {
  connectionString: string;
  /** Schema that holds the assets (default `public`). */
  schema?: string;
}

const PG_TYPES: Record<LogicalType, string> = {
  BIGINT: "BIGINT",
  DOUBLE: "DOUBLE PRECISION",
  BOOLEAN: "BOOLEAN",
  VARCHAR: "VARCHAR",
  TIMESTAMP: "TIMESTAMP",
  DATE: "DATE",
  JSON: "JSONB",
};

const ROWS_PER_INSERT = 10_000;

// Same conventions as the DuckDB adapters: safe integers as numbers, timestamps as UTC
// Dates, JSON as its text.
const OID = { int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184, date: 1082, json: 114, jsonb: 3802 } as const;

function parseInt8(text: string): number | bigint {
  const big = BigInt(text);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(big) : big;
}

const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    switch (oid) {
      case OID.int8:
        return parseInt8;
      case OID.numeric:
        return (text: string) => Number(text);
      case OID.timestamp:
        return (text: string) => new Date(`${text.replace(" ", "T")}Z`);
      case OID.date:
        return (text: string) => new Date(`${text}T00:00:00Z`);
      case OID.json:
      case OID.jsonb:
        return (text: string) => text;
      default:
        return pg.types.getTypeParser(oid, format === "binary" ? "binary" : "text");
    }
    // pg types getTypeParser as a set of overloads; one function with a union return serves them all.
  }) as pg.CustomTypesConfig["getTypeParser"],
};

/** A value as a PostgreSQL array element: the text form the column type reads back exactly. */
function arrayElement(value: LoadValue): string | number | boolean | null {
  if (value === null) return null;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString().replace("Z", "");
  return value;
}

export async function openPostgresWarehouse(options: PostgresWarehouseOptions): Promise<Warehouse> {
  const mainSchema = options.schema ?? "public";
  const client = new pg.Client({ connectionString: options.connectionString, types: typeParsers });
  await client.connect().catch((error: unknown) => {
    throw enrichWarehouseError(error, undefined);
  });
  const serial = createSerialQueue();
  let closed = false;
  // A session the server ends (restart, idle timeout) must fail the next call, not crash
  // the process with an unhandled 'error' event.
  let lost: Error | undefined;
  client.on("error", (error) => {
    lost = error;
  });

  // The backend to cancel: a query is stopped from outside its session (the protocol has no
  // in-band cancel), by another session of the same role.
  let pid: number | null = null;
  const gate = createCallGate({
    serial,
    check: () => {
      if (closed) throw new WarehouseError({ kind: "closed", backendMessage: "the warehouse is closed" });
      if (lost) throw new WarehouseError({ kind: "closed", backendMessage: `the PostgreSQL session ended: ${lost.message}`, cause: lost });
    },
    interrupt: () => (pid === null ? undefined : cancelBackend(options.connectionString, pid)),
    // Each cancel is a new session: repeated less often than DuckDB's in-process interrupt.
    repeatMs: 250,
  });

  async function execute(sql: string, params?: unknown[]): Promise<pg.QueryResult[]> {
    try {
      const result: pg.QueryResult | pg.QueryResult[] = params ? await client.query(sql, params) : await client.query(sql);
      return Array.isArray(result) ? result : [result];
    } catch (error) {
      throw enrichWarehouseError(error, sql);
    }
  }

  const run = (sql: string, params?: unknown[]): Promise<pg.QueryResult[]> => gate.statement(() => execute(sql, params));

  async function readRows(sql: string): Promise<Row[]> {
    const results = await run(sql);
    return [...results].reverse().find((r) => Array.isArray(r.rows) && r.fields?.length)?.rows ?? [];
  }

  const inTransaction = (work: () => Promise<void>) => runInTransaction(run, work, (sql) => gate.statement(() => execute(sql), { cleanup: true }));


  const describeTable = async (schema: string, table: string): Promise<Column[] | null> => columnsFromDescribe(await readRows(describeSql(schema, table)));


  /** Creates the table if missing, then inserts with one `unnest` of column arrays per batch. */
  async function load(schema: string, table: string, specs: ColumnSpec[], batches: LoadValue[][][]): Promise<void> {
    await inTransaction(async () => {
      const columnsSql = specs.map((spec) => `${quoteIdent(spec.name)} ${PG_TYPES[spec.type]}`).join(", ");
      await run(`CREATE TABLE IF NOT EXISTS ${qualified(schema, table)} (${columnsSql})`);
      const existing = new Set(((await describeTable(schema, table)) ?? []).map((c) => c.name));
      const missing = specs.filter((spec) => !existing.has(spec.name));
      if (missing.length > 0) {
        throw new WarehouseError({
          kind: "column_mismatch",
          backendMessage: `table "${table}" has no column ${missing.map((m) => `"${m.name}"`).join(", ")}`,
        });
      }
      const names = specs.map((spec) => quoteIdent(spec.name)).join(", ");
      const arrays = specs.map((spec, i) => `$${i + 1}::${PG_TYPES[spec.type]}[]`).join(", ");
      const insert = `INSERT INTO ${qualified(schema, table)} (${names}) SELECT * FROM unnest(${arrays})`;
      for (const columns of batches) {
        const rowCount = columns[0]?.length ?? 0;
        for (let start = 0; start < rowCount; start += ROWS_PER_INSERT) {
          await run(insert, columns.map((values) => values.slice(start, start + ROWS_PER_INSERT).map(arrayElement)));
        }
      }
    });
  }

  await gate.call(async () => {
    const [backend] = await readRows("SELECT pg_backend_pid() AS pid");
    pid = typeof backend?.pid === "number" ? backend.pid : null;
    await run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(mainSchema)}`);
    await run(searchPathSql([mainSchema]));
    for (const sql of CREATE_METADATA_SQL) await run(sql);
  });

  const steps: StepRunner = {
    run: (sql) => run(sql),
    readRows,
    ...postgresViewSteps({ run, readRows, path: () => currentPath }),
  };

  /** The search path the session has now. */
  let currentPath: readonly string[] = [mainSchema];
  const onPath = (path: readonly string[], call: Call): Call => (task) =>
    call(async () => {
      if (path.join(",") !== currentPath.join(",")) {
        await run(searchPathSql(path));
        currentPath = path;
      }
      return task();
    });

  const surface = (schema: string, path: readonly string[]): Warehouse =>
    withSignals(gate, (gateCall) => {
      const call = onPath(path, gateCall);
      return {
        backend: "postgres",
        dialect: postgresDialect,
        fences: true,
        schema,
        query: (sql) => call(() => readRows(sql)),
        exec: (sql) => call(async () => void (await run(sql))),
        createTableAs: (table, select) =>
          call(async () => {
            await run(`DROP TABLE IF EXISTS ${qualified(schema, table)}`);
            const [created] = await run(createTableAsSql(schema, table, select, false));
            return { rows: created?.rowCount ?? 0, columns: (await describeTable(schema, table)) ?? [] };
          }),
        describe: (table) => call(() => describeTable(schema, table)),
        loadRows: (table, specs, rows) =>
          call(() => load(schema, table, specs, [specs.map((spec) => rows.map((row) => coerceOrFail(row[spec.name], spec)))])),
        loadArrow: (table, ipc) =>
          call(async () => {
            let arrow: ReturnType<typeof readArrowColumns>;
            try {
              arrow = readArrowColumns(ipc);
            } catch (error) {
              throw new WarehouseError({ kind: "conversion", backendMessage: error instanceof Error ? error.message : String(error), cause: error });
            }
            await load(schema, table, arrow.columns, arrow.batches);
          }),
        swap: (swaps, state = [], options = {}) =>
          call(() =>
            inTransaction(() =>
              swapWork(schema, swaps, state, options, steps, (fence, now) => applyFence(fence, { readRows, run: async (sql) => void (await run(sql)) }, { lockRow: true, now })),
            ),
          ),
        transaction: (list, options = {}) => call(() => inTransaction(() => stepsWork(list, options, steps))),
        inSchema: (other, readSchemas) => surface(other, [other, ...readSchemas]),
        readState: (key) =>
          call(async () => {
            const [row] = await readRows(readStateSql(key));
            return row === undefined ? undefined : JSON.parse(String(row.value));
          }),
        drop: (table) => call(async () => void (await run(`DROP TABLE IF EXISTS ${qualified(schema, table)}`))),
        close: () =>
          serial(async () => {
            if (closed) return;
            closed = true;
            await client.end().catch(() => undefined);
          }),
      };
    });

  return surface(mainSchema, [mainSchema]);
}

function searchPathSql(schemas: readonly string[]): string {
  return `SET search_path TO ${schemas.map(quoteIdent).join(", ")}`;
}

/** Cancels the query backend `pid` runs (nothing when it is idle: PostgreSQL ignores a cancel between statements). */
async function cancelBackend(connectionString: string, pid: number): Promise<void> {
  const canceller = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  canceller.on("error", () => undefined);
  try {
    await canceller.connect();
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

