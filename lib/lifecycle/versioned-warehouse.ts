// A Warehouse whose asset tables are versions: a cell writes `orders`, the swap lands in
// `_assetbook_v."orders__<version>"` and, in the same transaction, points the views named
// `orders` (the environment's, or production's) at it. Extract state follows the version,
// so a promotion carries the cursor with the data and a rollback brings the old one back.
import { abortable } from "../warehouse/abortable";
import type { Column, Swap, SwapOptions, StateWrite, Warehouse } from "../warehouse/types";
import { versionTable } from "./layout";

/** A table a swap wrote as a version; `view`: a view asset's SQL (its version has no table). */
export interface Written {
  table: string;
  version: string;
  view?: string;
}

export interface VersionedOptions {
  /** The version a table (an asset's, or one of its child tables) is written as; undefined: not an asset table. */
  versionOf(table: string): string | undefined;
  /** Schemas whose view of a table written as `version` (`view`: a view asset's) follows the swap. */
  viewSchemas: readonly string[] | ((version: string, view: boolean) => readonly string[]);
  /**
   * Whether a swap's aliases (the schema its asset is placed in) are served too: production's
   * are; an environment serves every asset under its bare name in its own schema only.
   */
  servesAliases?: boolean;
  /** Extra checks inside each swap's transaction (production: it still serves this version). */
  guards?(tables: readonly Written[]): NonNullable<SwapOptions["guards"]>;
  /** Called before each swap (to re-read what `viewSchemas` answers from). */
  refresh?(): Promise<void>;
  /** Told of each table written, after its swap commits. */
  onWritten?(written: Written): void;
  /**
   * Describes a table that is not a version nor in the versions schema (a table another
   * notebook produces, a source): where the surface's SQL reads it. A chart over an external
   * table needs its columns.
   */
  describeElsewhere?(table: string): Promise<Column[] | null>;
}

/** The state key of a version: `extract:orders:cursor` becomes `extract:orders@<version>:cursor`. */
export function versionedStateKey(key: string, versionOf: (table: string) => string | undefined): string {
  const match = /^([a-z]+):([^:@]+):(.*)$/s.exec(key);
  if (!match) return key;
  const [, kind, asset, rest] = match;
  const version = versionOf(asset ?? "");
  return version === undefined ? key : `${kind}:${asset}@${version}:${rest}`;
}

export function versionedWarehouse(base: Warehouse, options: VersionedOptions): Warehouse {
  const physical = (table: string): string => {
    const version = options.versionOf(table);
    return version === undefined ? table : versionTable(table, version);
  };
  const schemasOf = (version: string, view: boolean) => (typeof options.viewSchemas === "function" ? options.viewSchemas(version, view) : options.viewSchemas);
  const stateKey = (key: string) => versionedStateKey(key, (table) => options.versionOf(table));
  const wrap = (inner: Warehouse): Warehouse => ({
    ...inner,
    query: (sql) => inner.query(sql),
    exec: (sql) => inner.exec(sql),
    describe: async (table) => {
      const own = await inner.describe(physical(table));
      return own !== null || options.versionOf(table) !== undefined || options.describeElsewhere === undefined ? own : options.describeElsewhere(table);
    },
    loadRows: (table, columns, rows) => inner.loadRows(table, columns, rows),
    loadArrow: (table, ipc) => inner.loadArrow(table, ipc),
    readState: (key) => inner.readState(stateKey(key)),
    drop: (table) => inner.drop(table),
    close: () => inner.close(),
    async swap(swaps: Swap[], state?: StateWrite[], swapOptions?: SwapOptions) {
      await options.refresh?.();
      const written = swaps.map((swap) => ({ table: swap.target, version: options.versionOf(swap.target), view: swap.view }));
      const mapped = swaps.map((swap) => {
        const version = options.versionOf(swap.target);
        if (version === undefined) return swap;
        const { aliases = [], ...rest } = swap;
        const schemas = [...schemasOf(version, rest.view !== undefined), ...(options.servesAliases === true ? aliases : [])];
        return { ...rest, target: versionTable(swap.target, version), views: [...new Set(schemas)].map((schema) => ({ schema, name: swap.target })) };
      });
      const versioned = written.flatMap((w): Written[] => (w.version === undefined ? [] : [{ table: w.table, version: w.version, ...(w.view === undefined ? {} : { view: w.view }) }]));
      const guards = [...(swapOptions?.guards ?? []), ...(options.guards?.(versioned) ?? [])];
      await inner.swap(
        mapped,
        state?.map((write) => ({ ...write, key: stateKey(write.key) })),
        { ...swapOptions, ...(guards.length > 0 ? { guards } : {}) },
      );
      for (const one of versioned) options.onWritten?.(one);
    },
    withSignal: (signal: AbortSignal) => wrap(abortable(inner, signal)),
  });
  return wrap(base);
}
