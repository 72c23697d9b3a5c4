// Which cell produces a table a cell reads: by name (case-insensitive), or as a child
// table of an ML cell (`m__metrics`, `m__predictions`, `m__importance`) or of an extract
// cell (`e__<field>`, a list normalized into its own table). Tables no cell produces
// must be declared external.
import type { AssetCell, CellKind } from "../notebook/types";
import { qualifiedName, type TableRef } from "./sql-refs";

export const ML_OUTPUT_SUFFIXES = ["metrics", "predictions", "importance"] as const;

export type Resolution =
  | { kind: "cell"; cell: string }
  | { kind: "external" }
  /** `hint`: why a name that looks like an asset's is not it. */
  | { kind: "unknown"; table: string; hint?: string };

/** Reads `raw.events` into a TableRef (`from:` and `deps` are plain strings). */
export function tableRefFromText(text: string): TableRef {
  const parts = text.trim().split(".");
  const name = parts.pop() ?? "";
  const schema = parts.pop();
  const catalog = parts.pop();
  return { name, ...(schema ? { schema } : {}), ...(catalog ? { catalog } : {}) };
}

/** A reference that names another database or schema than the notebook's own `main`. */
function isForeign(ref: TableRef): boolean {
  return Boolean(ref.catalog) || (ref.schema !== undefined && ref.schema !== "" && ref.schema.toLowerCase() !== "main");
}

export class TableResolver {
  private readonly cellsByName = new Map<string, AssetCell>();
  private readonly externals: Set<string>;

  /** `schemaOf`: the schema a cell's table is placed in (undefined: the warehouse's own). */
  constructor(
    cells: readonly AssetCell[],
    externals: readonly string[] = [],
    private readonly schemaOf: (cell: AssetCell) => string | undefined = () => undefined,
  ) {
    for (const cell of cells) {
      const key = cell.name.toLowerCase();
      if (!this.cellsByName.has(key)) this.cellsByName.set(key, cell);
    }
    this.externals = new Set(externals.map((name) => name.trim().toLowerCase()));
  }

  /** Everything a reference could have meant: for did-you-mean suggestions. */
  knownTables(extraExternals: readonly string[] = []): string[] {
    const names: string[] = [];
    for (const cell of this.cellsByName.values()) {
      names.push(cell.name);
      if (cell.kind === "ml") names.push(...ML_OUTPUT_SUFFIXES.map((suffix) => `${cell.name}__${suffix}`));
    }
    return [...names, ...this.externals, ...extraExternals];
  }

  resolve(ref: TableRef, extraExternals: readonly string[] = []): Resolution {
    const producer = ref.catalog ? undefined : this.producerOf(ref.name.toLowerCase());
    if (producer && !isForeign(ref)) return { kind: "cell", cell: producer.name };
    // `staging.stg_orders`: the asset placed in that schema.
    const placed = producer === undefined ? undefined : this.schemaOf(producer);
    if (producer && placed !== undefined && ref.schema?.toLowerCase() === placed) return { kind: "cell", cell: producer.name };
    const written = qualifiedName(ref).toLowerCase();
    const externals =
      extraExternals.length === 0
        ? this.externals
        : new Set([...this.externals, ...extraExternals.map((external) => external.trim().toLowerCase())]);
    const bare = ref.name.toLowerCase();
    if (externals.has(written)) return { kind: "external" };
    if (!isForeign(ref) && (externals.has(bare) || externals.has(`main.${bare}`))) return { kind: "external" };
    if (producer) return { kind: "unknown", table: qualifiedName(ref), hint: `: "${producer.name}" is an asset of this notebook placed in ${placed === undefined ? "the warehouse's own schema" : `schema ${placed}`}; write ${placed === undefined ? producer.name : `${placed}.${producer.name}`} or ${producer.name}` };
    return { kind: "unknown", table: qualifiedName(ref) };
  }

  private producerOf(name: string): AssetCell | undefined {
    return producerOfTable(name, (cell) => this.cellsByName.get(cell));
  }
}

/**
 * The asset that produces a table (lower-case name): the asset of that name, else an
 * extract's child table `asset__child` or an ML cell's `asset__predictions` and the like.
 */
export function producerOfTable<A extends { kind: CellKind }>(name: string, assetNamed: (name: string) => A | undefined): A | undefined {
  const direct = assetNamed(name);
  if (direct) return direct;
  // Longest prefix first: `a__b__c` belongs to cell `a__b` before cell `a`.
  for (let at = name.lastIndexOf("__"); at > 0; at = name.lastIndexOf("__", at - 1)) {
    const parent = assetNamed(name.slice(0, at));
    const suffix = name.slice(at + 2);
    if (!parent || suffix === "") continue;
    if (parent.kind === "extract") return parent;
    if (parent.kind === "ml" && ML_OUTPUT_SUFFIXES.some((s) => s === suffix)) return parent;
  }
  return undefined;
}
