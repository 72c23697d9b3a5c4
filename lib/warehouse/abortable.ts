// Queries under an AbortSignal. Every adapter has one connection and serializes its calls,
// so a query left running after its caller gave up (a cancelled run, a timed-out attempt, a
// preview whose client went away) holds the warehouse for everyone until it ends. A call
// made under a signal stops its statement in flight when the signal aborts: each adapter
// says how (DuckDB interrupts its connection, PostgreSQL cancels the backend's query,
// DuckDB-WASM cancels its pending query); this module owns when.
import { WarehouseError } from "./errors";
import type { SerialQueue } from "./serial-queue";
import type { Warehouse } from "./types";

/** Runs one adapter call: serialized, refused when the warehouse is closed. */
export type Call = <T>(task: () => Promise<T>) => Promise<T>;

export interface CallGateOptions {
  serial: SerialQueue;
  /** Throws when no call may run (closed, session lost). */
  check(): void;
  /** Stops whatever statement runs on the connection now; harmless when none does. */
  interrupt(): void | Promise<void>;
  /** How often the interrupt is repeated until the statement ends (default 100 ms); see `statement`. */
  repeatMs?: number;
}

export interface CallGate {
  /** A call no signal can stop. */
  call: Call;
  /** A call under `signal`: refused once it aborted; its statements are stopped when it aborts. */
  under(signal: AbortSignal): Call;
  /**
   * One statement of the running call; adapters send every statement through here. Under an
   * aborted signal it is refused unless it is `cleanup` (a ROLLBACK must still run, and is
   * never interrupted); when the signal aborts while it runs, it is interrupted.
   */
  statement<T>(work: () => Promise<T>, options?: { cleanup?: boolean }): Promise<T>;
  /** Whether the running call is under a signal, so its statement may have to be stopped (an adapter may run others a cheaper way). */
  interruptible(): boolean;
}

export function createCallGate(options: CallGateOptions): CallGate {
  const { serial, check, interrupt } = options;
  const repeatMs = options.repeatMs ?? 100;
  /** The signal of the call on the connection now (calls are serialized: one at a time). */
  let current: AbortSignal | null = null;

  const call: Call = (task) =>
    serial(async () => {
      check();
      return task();
    });

  const under =
    (signal: AbortSignal): Call =>
    (task) =>
      serial(async () => {
        check();
        if (signal.aborted) throw notRun(signal);
        current = signal;
        try {
          return await task();
        } finally {
          current = null;
        }
      });

  async function statement<T>(work: () => Promise<T>, { cleanup = false } = {}): Promise<T> {
    const signal = current;
    if (signal === null || cleanup) return work();
    if (signal.aborted) throw notRun(signal);
    let inFlight: Promise<void> | null = null;
    const fire = () => {
      if (inFlight !== null) return;
      inFlight = (async () => interrupt())()
        .catch(() => undefined)
        .then(() => {
          inFlight = null;
        });
    };
    let repeat: ReturnType<typeof setInterval> | undefined;
    // Repeated until the statement ends: an interrupt that arrives before the backend started
    // it (still queued in DuckDB's thread pool, still on its way to PostgreSQL) is ignored.
    const onAbort = () => {
      fire();
      repeat = setInterval(fire, repeatMs);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await work();
    } catch (error) {
      throw signal.aborted ? interruptedBy(signal, error) : error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      clearInterval(repeat);
      // A cancel still on its way must land before the next statement starts, or it would stop that one.
      await inFlight;
    }
  }

  return { call, under, statement, interruptible: () => current !== null };
}

/** What an adapter builds its calls from: everything but `withSignal`, over one Call. */
export type WarehouseCalls = Omit<Warehouse, "withSignal">;

/**
 * The adapter's warehouse, with `withSignal` views built by the same `build` over calls under
 * the signal. A view's `drop` (and its file reader's `release`) is never refused (an aborted
 * attempt still cleans up after itself) and its `close` closes the warehouse (a view is that
 * warehouse, under a signal).
 */
export function withSignals(gate: CallGate, build: (call: Call) => WarehouseCalls): Warehouse {
  const base = build(gate.call);
  const view = (signal: AbortSignal): Warehouse => {
    const calls = build(gate.under(signal));
    return {
      ...calls,
      // A file reader's release is a drop too.
      ...(calls.files === undefined || base.files === undefined ? {} : { files: { ...calls.files, release: base.files.release } }),
      drop: base.drop,
      close: base.close,
      withSignal: (more) => view(AbortSignal.any([signal, more])),
    };
  };
  return { ...base, withSignal: view };
}

/**
 * `warehouse` under `signal`: its statement in flight is interrupted when the signal aborts.
 * A wrapper that does not forward `withSignal` gets the next best thing: calls refused once
 * the signal aborted (the statement in flight then runs to its end).
 */
export function abortable(warehouse: Warehouse, signal: AbortSignal): Warehouse {
  if (warehouse.withSignal) return warehouse.withSignal(signal);
  const live = <T>(work: () => Promise<T>): Promise<T> => (signal.aborted ? Promise.reject(notRun(signal)) : work());
  return {
    backend: warehouse.backend,
    dialect: warehouse.dialect,
    fences: warehouse.fences,
    schema: warehouse.schema,
    query: (sql) => live(() => warehouse.query(sql)),
    exec: (sql) => live(() => warehouse.exec(sql)),
    createTableAs: (table, select) => live(() => warehouse.createTableAs(table, select)),
    describe: (table) => live(() => warehouse.describe(table)),
    loadRows: (table, columns, rows) => live(() => warehouse.loadRows(table, columns, rows)),
    loadArrow: (table, ipc) => live(() => warehouse.loadArrow(table, ipc)),
    swap: (swaps, state, options) => live(() => warehouse.swap(swaps, state, options)),
    transaction: (steps, options) => live(() => warehouse.transaction(steps, options)),
    inSchema: (schema, readSchemas) => abortable(warehouse.inSchema(schema, readSchemas), signal),
    ...(warehouse.files === undefined ? {} : { files: warehouse.files }),
    readState: (key) => live(() => warehouse.readState(key)),
    drop: (table) => warehouse.drop(table),
    close: () => warehouse.close(),
  };
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === "string") return reason;
  if (reason instanceof Error) return reason.message;
  return "aborted";
}

function notRun(signal: AbortSignal): WarehouseError {
  return new WarehouseError({ kind: "interrupted", backendMessage: `not run: ${reasonOf(signal)}`, hint: INTERRUPTED_HINT });
}

const INTERRUPTED_HINT = "the query was stopped because its run was cancelled, timed out, or its request went away";

/**
 * The backend's error for a statement stopped by the signal, naming why. Any other error is
 * kept as it is: a refused fence or a bad statement must not pass for an interruption.
 */
function interruptedBy(signal: AbortSignal, error: unknown): unknown {
  if (!(error instanceof WarehouseError) || error.kind !== "interrupted") return error;
  return new WarehouseError({ kind: "interrupted", backendMessage: `interrupted (${reasonOf(signal)}): ${error.backendMessage}`, hint: INTERRUPTED_HINT, sql: error.sql, cause: error });
}
