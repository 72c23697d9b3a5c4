// Nested JSON -> rows of a root table and child tables. Nested objects become columns
// joined by `__`; a list becomes a child table `<table>__<field>` whose rows carry
// `_parent_key`, `_root_key`, `_index` and their own `_row_key`.
import type { Row } from "../../warehouse/types";
import { canonicalJson } from "./hash";
import { isJsonObject, isList } from "./json-value";
import { CURRENT_ROW_KEY_VERSION, childRowKey, rowKey, type RowKeyVersion } from "./row-key";
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
  /** How `_row_key` is computed (row-key.ts); the current version unless given. */
  rowKeys?: RowKeyVersion;
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


/**
 * The column names handed out under one object path of one table, cached: the namer's
 * answer for a path never changes once given, and asking it costs a join and a lookup
 * per field of every record.
 */
interface NameScope {
  table: string;
  prefix: string[];
  columns: Map<string, string>;
  nested: Map<string, NameScope>;
}

function newScope(table: string, prefix: string[]): NameScope {
  return { table, prefix, columns: new Map(), nested: new Map() };
}

export class RecordFlattener {
  private readonly scopes = new Map<string, NameScope>();

  /** The primary key's paths, split once. */
  private readonly keyPaths: readonly string[][];

  constructor(
    private readonly options: FlattenOptions,
    private readonly namer: ColumnNamer,
  ) {
    this.keyPaths = options.primaryKey.map((path) => path.split("."));
  }

  private tableScope(table: string): NameScope {
    let scope = this.scopes.get(table);
    if (!scope) {
      scope = newScope(table, []);
      this.scopes.set(table, scope);
    }
    return scope;
  }

  private column(scope: NameScope, key: string): string {
    let column = scope.columns.get(key);
    if (column === undefined) {
      column = this.namer.name(scope.table, [...scope.prefix, key]);
      scope.columns.set(key, column);
    }
    return column;
  }

  private nestedScope(scope: NameScope, key: string): NameScope {
    let nested = scope.nested.get(key);
    if (!nested) {
      nested = newScope(scope.table, [...scope.prefix, key]);
      scope.nested.set(key, nested);
    }
    return nested;
  }

  /**
   * Whether a record has a value for every primary key path (what `flatten` would find), read
   * without flattening it; true when there is no key.
   */
  hasPrimaryKey(record: unknown): boolean {
    // Loops, not closures: it runs on every record of every spooled page.
    for (const segments of this.keyPaths) {
      // Deeper than maxDepth, flatten keeps the object holding the key as JSON: no key column.
      if (segments.length - 1 > this.options.maxDepth) return false;
      let current: unknown = record;
      for (const segment of segments) {
        if (!isJsonObject(current)) return false;
        current = current[segment];
      }
      // An object or a list becomes columns or a child table, not the key's column.
      if (current === null || current === undefined || (typeof current === "object" && !(current instanceof Date))) return false;
    }
    return true;
  }

  /** How many rows of child tables flatten makes of a record (its lists' elements, theirs too). */
  childRows(record: unknown): number {
    return isJsonObject(record) ? childRowsWithin(record, 0, this.options.maxDepth) : 0;
  }

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
    this.flattenObject(source, this.tableScope(table), row, 0, lists);
    const keyColumns = this.primaryKeyColumns();
    let rootKey: string;
    if (keyColumns.length > 0) {
      rootKey = keyString(keyColumns.map((column) => row[column] ?? missingKey(column)));
    } else {
      rootKey = rowKey(this.options.rowKeys ?? CURRENT_ROW_KEY_VERSION, source);
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
        const key = childRowKey(this.options.rowKeys ?? CURRENT_ROW_KEY_VERSION, parentKey, list.table, index);
        const row: Row = {};
        const nestedLists: PendingList[] = [];
        this.flattenObject(isJsonObject(item) ? item : { value: item }, this.tableScope(list.table), row, list.depth, nestedLists);
        row._parent_key = parentKey;
        row._root_key = rootKey;
        row._index = index;
        row._row_key = key;
        append(tables, list.table, row);
        this.emitLists(nestedLists, key, rootKey, tables);
      });
    }
  }

  private flattenObject(object: JsonObject, scope: NameScope, row: Row, depth: number, lists: PendingList[]): void {
    for (const key of Object.keys(object)) {
      const value = object[key];
      if (value === undefined) continue;
      if (typeof value !== "object" || value === null || value instanceof Date) {
        row[this.column(scope, key)] = value;
        continue;
      }
      if (depth + 1 > this.options.maxDepth) {
        row[this.column(scope, key)] = value;
      } else if (Array.isArray(value)) {
        const column = this.column(scope, key);
        lists.push({ table: `${scope.table}${NESTING_SEPARATOR}${column}`, items: value, depth: depth + 1 });
      } else {
        this.flattenObject(value as JsonObject, this.nestedScope(scope, key), row, depth + 1, lists);
      }
    }
  }
}

// Module-level, not a closure per call: it runs on every record of every spooled page. As
// flattenObject and emitLists walk: a list's elements at depth + 1, one that is no record as `{ value }`.
function childRowsWithin(object: JsonObject, depth: number, maxDepth: number): number {
  let rows = 0;
  for (const key in object) {
    const value = object[key];
    if (typeof value !== "object" || value === null || value instanceof Date || depth + 1 > maxDepth) continue;
    if (isJsonObject(value)) {
      rows += childRowsWithin(value, depth + 1, maxDepth);
      continue;
    }
    if (!isList(value)) continue;
    rows += value.length;
    for (const item of value) rows += childRowsWithin(isJsonObject(item) ? item : { value: item }, depth + 1, maxDepth);
  }
  return rows;
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
