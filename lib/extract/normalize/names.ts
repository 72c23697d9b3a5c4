// Column and table names as analysts expect them: snake_case, unique within a table,
// with the source name of every column kept for the asset's metadata.

/** Columns the normalizer adds itself; a source field of the same name gets a suffix. */
export const INTERNAL_COLUMNS = ["_parent_key", "_root_key", "_index", "_row_key"] as const;
export type InternalColumn = (typeof INTERNAL_COLUMNS)[number];

const INTERNAL_SET: ReadonlySet<string> = new Set(INTERNAL_COLUMNS);

export function isInternalColumn(name: string): boolean {
  return INTERNAL_SET.has(name);
}

/** Separates the parts of a flattened nested name (`map.id` -> `map__id`). */
export const NESTING_SEPARATOR = "__";

/**
 * `Miles_per_Gallon` -> `miles_per_gallon`, `Beak Length (mm)` -> `beak_length_mm`,
 * `camelCaseId` -> `camel_case_id`, `HTTPStatus` -> `http_status`, `2fa` -> `_2fa`.
 * Leading underscores are kept (`_id` stays `_id`); runs of underscores collapse to one
 * so that `__` only ever means nesting.
 */
export function snakeCase(name: string): string {
  const leading = /^_*/.exec(name)?.[0] ?? "";
  const words = name
    .slice(leading.length)
    .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1_$2")
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, "$1_$2")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
  const joined = `${leading.length > 0 ? "_" : ""}${words}`;
  if (joined === "" || joined === "_") return "_";
  return /^\p{N}/u.test(joined) ? `_${joined}` : joined;
}

/** Normalized column name -> source path (nested keys joined by "."), per table. */
export type NameMapping = Record<string, Record<string, string>>;

/**
 * Hands out normalized column names per table. The first source path to claim a name
 * keeps it; a later one that normalizes the same gets `_2`, `_3`, ... Seeding it with the
 * mapping of the previous run keeps those choices stable across runs.
 */
export class ColumnNamer {
  private readonly byTable = new Map<string, { bySource: Map<string, string>; used: Map<string, string> }>();

  constructor(seed: NameMapping = {}) {
    for (const [table, columns] of Object.entries(seed)) {
      const names = this.tableNames(table);
      for (const [column, source] of Object.entries(columns)) {
        names.bySource.set(source, column);
        names.used.set(column, source);
      }
    }
  }

  /** The column name for a source path (`["map", "id"]` -> `map__id`) in `table`. */
  name(table: string, path: readonly string[]): string {
    const names = this.tableNames(table);
    const source = path.join(".");
    const known = names.bySource.get(source);
    if (known !== undefined) return known;
    const base = path.map(snakeCase).join(NESTING_SEPARATOR);
    let candidate = base;
    for (let suffix = 2; names.used.has(candidate) || isInternalColumn(candidate); suffix++) {
      candidate = `${base}_${suffix}`;
    }
    names.bySource.set(source, candidate);
    names.used.set(candidate, source);
    return candidate;
  }

  /** A function that takes back every name handed out after this call (for an attempt that is given up). */
  checkpoint(): () => void {
    const saved = [...this.byTable].map(([table, names]) => [table, { bySource: new Map(names.bySource), used: new Map(names.used) }] as const);
    return () => {
      this.byTable.clear();
      for (const [table, names] of saved) this.byTable.set(table, names);
    };
  }

  /** Every name handed out (or seeded), per table. */
  mapping(): NameMapping {
    const out: NameMapping = {};
    for (const [table, names] of this.byTable) out[table] = Object.fromEntries(names.used);
    return out;
  }

  private tableNames(table: string) {
    let names = this.byTable.get(table);
    if (!names) {
      names = { bySource: new Map(), used: new Map() };
      this.byTable.set(table, names);
    }
    return names;
  }
}
