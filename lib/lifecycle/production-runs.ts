// Production runs once production is promoted: a run executes production's text of its
// notebook, and each write lands in the version production serves (its views, and those of
// every environment reading that version, follow in the same transaction). A write is
// refused when production stopped serving the version meanwhile: a promotion fences the
// runs in flight, so a run never writes stale definitions into the new versions.
import { producerOfTable } from "../graph";
import type { CellKind } from "../notebook/types";
import type { Guard, Warehouse } from "../warehouse/types";
import { ASSETS_TABLE, envSchema, PRODUCTION, quoteLiteral, VERSIONS_SCHEMA, VERSIONS_TABLE } from "./layout";
import { hasPromotedProduction, servedState, versionTables, type LifecycleWarehouse } from "./store";
import type { ServedState } from "./transition";
import { versionedWarehouse } from "./versioned-warehouse";
import { z } from "zod";

export interface ProductionBinding {
  state: ServedState;
  /** version → the tables written so far. */
  tables: Map<string, string[]>;
  /** version → the environments besides production that serve it (their views follow a write). */
  environments: Map<string, string[]>;
}

const servingRow = z.object({ env: z.string(), version: z.string() });

/** What production serves now; null before its first promotion (then runs write tables as they always did). */
async function servingEnvironments(warehouse: LifecycleWarehouse): Promise<Map<string, string[]>> {
  const rows = z.array(servingRow).parse(await warehouse.query(`SELECT env, version FROM ${ASSETS_TABLE} WHERE env <> ${quoteLiteral(PRODUCTION)}`));
  const environments = new Map<string, string[]>();
  for (const { env, version } of rows) environments.set(version, [...(environments.get(version) ?? []), env]);
  return environments;
}

export async function productionBinding(warehouse: LifecycleWarehouse): Promise<ProductionBinding | null> {
  if (!(await hasPromotedProduction(warehouse))) return null;
  return { state: await servedState(warehouse, PRODUCTION), tables: await versionTables(warehouse), environments: await servingEnvironments(warehouse) };
}

export class NotInProductionError extends Error {
  constructor(readonly asset: string) {
    super(`"${asset}" is not served by production: promote the notebook that defines it`);
    this.name = "NotInProductionError";
  }
}

/** The warehouse a production run writes through; `assets` are its notebook's cells (lower-case names). */
export function productionRunWarehouse(warehouse: Warehouse, binding: ProductionBinding, assets: ReadonlyMap<string, { kind: CellKind }>): Warehouse {
  const productionSchema = warehouse.schema;
  const assetOf = (table: string) => {
    const name = table.toLowerCase();
    const producer = producerOfTable(name, (cell) => (assets.has(cell) ? { name: cell, kind: assets.get(cell)?.kind ?? "sql" } : undefined));
    return producer?.name;
  };
  return versionedWarehouse(warehouse.inSchema(VERSIONS_SCHEMA, [productionSchema]), {
    versionOf(table) {
      const asset = assetOf(table);
      if (asset === undefined) return undefined;
      const version = binding.state.assets[asset];
      if (version === undefined) throw new NotInProductionError(asset);
      return version;
    },
    // An environment serving a view asset's version keeps the view its build made (over its own
    // inputs, the version's SQL); production's is made over this run's SQL.
    viewSchemas: (version, view) => (view ? [productionSchema] : [productionSchema, ...(binding.environments.get(version) ?? []).map(envSchema)]),
    servesAliases: true,
    // A table of another notebook (or a source) is read where production serves it.
    describeElsewhere: (table) => warehouse.describe(table),
    // Which environments read the version is read again right before each swap: on
    // PostgreSQL a view bound to the table must be pointed at the new one, or the swap fails.
    refresh: async () => {
      binding.environments = await servingEnvironments(warehouse);
    },
    guards: (written) =>
      written.flatMap(({ table, version }): Guard[] => {
        const asset = assetOf(table) ?? table;
        const tables = [...new Set([...(binding.tables.get(version) ?? []), table])].sort();
        const refused = `production no longer serves this version of "${asset}" (a promotion or rollback happened during the run): the write is refused`;
        return [
          // Locks production's row of the asset: a promotion in flight is waited for, then seen.
          { sql: `UPDATE ${ASSETS_TABLE} SET version = version WHERE env = ${quoteLiteral(PRODUCTION)} AND asset = ${quoteLiteral(asset)} AND version = ${quoteLiteral(version)} RETURNING asset`, message: refused },
          // Records the version's tables: what cleanup, rollback and promotion point views at.
          { sql: `UPDATE ${VERSIONS_TABLE} SET tables = ${quoteLiteral(JSON.stringify(tables))} WHERE version = ${quoteLiteral(version)} RETURNING version`, message: refused },
        ];
      }),
    onWritten: ({ table, version }) => binding.tables.set(version, [...new Set([...(binding.tables.get(version) ?? []), table])].sort()),
  });
}
