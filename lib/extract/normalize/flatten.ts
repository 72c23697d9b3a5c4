// Nested JSON -> rows of a root table and child tables. Nested objects become columns
// joined by `__`; a list becomes a child table `<table>__<field>` whose rows carry
// `_parent_key`, `_root_key`, `_index` and their own `_row_key`.
import type { Row } from "../../warehouse/types";
import { canonicalJson, stableHash } from "./hash";
import { NESTING_SEPARATOR, type ColumnNamer } from "./names";

/** Nesting levels unpacked by default; deeper values are kept as JSON. */
export const DEFAULT_MAX_DEPTH = 10;

export interface FlattenOptions {
  /** The root table (the asset name). */
  table: string;
  /** Source paths of the primary key (`id`, or `user.id` for a nested one); empty when none. */
  primaryKey: readonly string[];
  /** Objects and lists nested deeper than this are stored as a JSON value. */
  maxDepth: number;
}

/** One source record, flattened: rows per table (the root table first). */
export interface FlatRecord {
  /** The root row's key: its primary key, or the hash of its content. */
  rootKey: string;
  tables: Map<string, Row[]>;
}

export class MissingPrimaryKeyError extends Error {
  constructor(readonly column: string) {
    super(`a record has no value for primary key "${column}"`);
    this.name = "MissingPrimaryKeyError";
  }
}

type JsonObject = Record<string, unknown>;

interface PendingList {
  table: string;
  items: unknown[];
  /** Nesting level of the list's elements' fields. */
  depth: number;
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export class RecordFlattener {
  constructor(
    private readonly options: FlattenOptions,
    private readonly namer: ColumnNamer,
  ) {}

  /** Names of the primary key columns in the root table. */
  primaryKeyColumns(): string[] {
    return this.options.primaryKey.map((path) => this.namer.name(this.options.table, path.split(".")));
  }

  flatten(record: unknown): FlatRecord {
    // A record that is not an object (a bare number, a list) is read as `{ value: record }`.
    const source = isJsonObject(record) ? record : { value: record };
    const { table } = this.options;
    const row: Row = {};
    const lists: PendingList[] = [];
    this.flattenObject(source, table, [], row, 0, lists);
    const keyColumns = this.primaryKeyColumns();
    let rootKey: string;
    if (keyColumns.length > 0) {
      rootKey = keyString(keyColumns.map((column) => row[column] ?? missingKey(column)));
    } else {
      rootKey = stableHash(canonicalJson(source));
      row._row_key = rootKey;
    }
    const tables = new Map<string, Row[]>([[table, [row]]]);
    this.emitLists(lists, rootKey, rootKey, tables);
    return { rootKey, tables };
  }

  /** Child rows for the lists found in one row, then (recursively) for theirs. */
  private emitLists(lists: PendingList[], parentKey: string, rootKey: string, tables: Map<string, Row[]>): void {
    for (const list of lists) {
      list.items.forEach((item, index) => {
        // Keyed by position under the parent, so a re-run produces the same keys.
        const rowKey = stableHash(canonicalJson([parentKey, list.table, index]));
        const row: Row = {};
        const nestedLists: PendingList[] = [];
        this.flattenObject(isJsonObject(item) ? item : { value: item }, list.table, [], row, list.depth, nestedLists);
        row._parent_key = parentKey;
        row._root_key = rootKey;
        row._index = index;
        row._row_key = rowKey;
        append(tables, list.table, row);
        this.emitLists(nestedLists, rowKey, rootKey, tables);
      });
    }
  }

  private flattenObject(object: JsonObject, table: string, prefix: string[], row: Row, depth: number, lists: PendingList[]): void {
    for (const [key, value] of Object.entries(object)) {
      if (value === undefined) continue;
      const path = [...prefix, key];
      const nested = Array.isArray(value) || isJsonObject(value);
      if (nested && depth + 1 > this.options.maxDepth) {
        row[this.namer.name(table, path)] = value;
      } else if (Array.isArray(value)) {
        const column = this.namer.name(table, path);
        lists.push({ table: `${table}${NESTING_SEPARATOR}${column}`, items: value, depth: depth + 1 });
      } else if (isJsonObject(value)) {
        this.flattenObject(value, table, path, row, depth + 1, lists);
      } else {
        row[this.namer.name(table, path)] = value;
      }
    }
  }
}

function append(tables: Map<string, Row[]>, table: string, row: Row): void {
  const rows = tables.get(table);
  if (rows) rows.push(row);
  else tables.set(table, [row]);
}

function missingKey(column: string): never {
  throw new MissingPrimaryKeyError(column);
}

/** One string for a (possibly composite) key: the value itself, or a JSON list of them. */
export function keyString(values: readonly unknown[]): string {
  const parts = values.map((value) => (typeof value === "string" ? value : canonicalJson(value)));
  return parts.length === 1 && parts[0] !== undefined ? parts[0] : JSON.stringify(parts);
}
