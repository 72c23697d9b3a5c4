// The warehouse an asset attempt sees: every call is refused once the attempt is aborted
// (cancel, timeout, worker stop); its swap is fenced by the run's attempt, records a done
// marker for the asset in the same transaction, and re-checks the abort signal just
// before COMMIT. So an aborted or superseded attempt can never replace a table.
import type { StateWrite, Swap, Warehouse } from "../warehouse/types";
import { quoteIdent } from "../warehouse/types";
import { abortReason } from "../engine/executor";
import type { CrashHook } from "./crash";
import { isFencedError } from "../warehouse/fence";

class AttemptAbortedError extends Error {
  constructor(readonly why: string) {
    super(`aborted: ${why}`);
    this.name = "AttemptAbortedError";
  }
}


/** What the done marker of an asset holds (written with its swap). */
export interface DoneMarker {
  attempt: number;
  rows: number | null;
}

export interface GuardOptions {
  signal: AbortSignal;
  fence: { key: string; token: number };
  doneKey: string;
  attempt: number;
  crash: CrashHook;
  /** A partitioned run's SQL or extract replaces only the rows of its partition; null: whole tables (see swapPartition). */
  partition: { column: string; key: string } | null;
}

export interface GuardedWarehouse extends Warehouse {
  /** Staging tables of swaps that were refused, to drop. */
  readonly refusedStaging: string[];
  /** True once a swap was refused by the fence: a materializer that swallows the error (an extract) cannot hide it. */
  readonly fenced: boolean;
}

export function guardWarehouse(inner: Warehouse, opts: GuardOptions): GuardedWarehouse {
  const refusedStaging: string[] = [];
  let fenced = false;
  const live = <T>(work: () => Promise<T>): Promise<T> => {
    if (opts.signal.aborted) return Promise.reject(new AttemptAbortedError(abortReason(opts.signal)));
    return work();
  };
  // A view cell's staging view holds no data and its next attempt replaces it: only tables are left to drop.
  const refuse = (swaps: Swap[]) => refusedStaging.push(...swaps.filter((s) => s.view === undefined).map((s) => s.staging));
  const swap = async (swaps: Swap[], state: StateWrite[] = []): Promise<void> => {
    if (opts.signal.aborted) {
      refuse(swaps);
      throw new AttemptAbortedError(abortReason(opts.signal));
    }
    const first = swaps[0];
    const rows = first === undefined ? null : await countRows(inner, first.staging);
    const marker: DoneMarker = { attempt: opts.attempt, rows };
    try {
      const partition = opts.partition;
      const targets = partition === null ? swaps : swaps.map((s) => ({ ...s, partition }));
      await inner.swap(targets, [...state, { key: opts.doneKey, value: marker }], {
        fence: opts.fence,
        beforeCommit: async () => {
          opts.crash("mid_swap");
          if (opts.signal.aborted) throw new AttemptAbortedError(abortReason(opts.signal));
        },
      });
    } catch (error) {
      if (error instanceof AttemptAbortedError) refuse(swaps);
      if (isFencedError(error)) {
        fenced = true;
        refuse(swaps);
      }
      throw error;
    }
  };
  const files = inner.files;
  return {
    backend: inner.backend,
    dialect: inner.dialect,
    fences: inner.fences,
    schema: inner.schema,
    refusedStaging,
    get fenced() {
      return fenced;
    },
    query: (sql) => live(() => inner.query(sql)),
    exec: (sql) => live(() => inner.exec(sql)),
    createTableAs: (table, select) => live(() => inner.createTableAs(table, select)),
    describe: (table) => live(() => inner.describe(table)),
    loadRows: (table, columns, rows) => live(() => inner.loadRows(table, columns, rows)),
    loadArrow: (table, ipc) => live(() => inner.loadArrow(table, ipc)),
    swap,
    transaction: (steps, options) => live(() => inner.transaction(steps, options)),
    inSchema: () => {
      // Another surface would write past this run's fence and done-marker.
      throw new Error("a production run's guarded warehouse has no other schema");
    },
    ...(files === undefined
      ? {}
      : {
          files: {
            ...files,
            load: (table, file, format, options) => live(() => files.load(table, file, format, options)),
            unnest: async (table, from, list, carried) => {
              const elements = await live(() => files.unnest(table, from, list, carried));
              return { ...elements, recordsOf: (positions) => live(() => elements.recordsOf(positions)) };
            },
            records: (file, format, positions) => live(() => files.records(file, format, positions)),
          },
        }),
    readState: (key) => inner.readState(key),
    drop: (table) => inner.drop(table),
    close: () => Promise.resolve(),
  };
}

async function countRows(warehouse: Warehouse, table: string): Promise<number | null> {
  try {
    const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
    return row === undefined ? null : Number(row.n);
  } catch {
    return null;
  }
}
