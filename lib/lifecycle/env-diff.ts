// The data diff of an environment against production: each asset it serves as another
// version (or the ones asked for), compared in the warehouse (lib/diff). The command line's
// `diff` and the app's plan page both read it from here.
import { dataDiff, type DataDiff } from "../diff";
import type { Warehouse } from "../warehouse/types";
import { diffKeyOf } from "./keys";
import { envSchema, PRODUCTION, relation, VERSIONS_SCHEMA, versionTable } from "./layout";
import { environments, servedState, versionTables, versionViews } from "./store";

export type AssetDiff = DataDiff | { error: string };

export interface EnvironmentDiffOptions {
  /** Lower-case asset names; default: every asset the environment serves as another version than production. */
  assets?: readonly string[];
  /** The key columns; default: the asset's primary key or unique check. */
  key?: readonly string[];
}

export async function environmentDiff(warehouse: Warehouse, env: string, options: EnvironmentDiffOptions = {}): Promise<{ ok: true; assets: Record<string, AssetDiff> } | { ok: false; reason: string }> {
  if (!(await environments(warehouse)).some((candidate) => candidate.env === env)) return { ok: false, reason: `environment "${env}" has no build` };
  const production = await servedState(warehouse, PRODUCTION);
  const envState = await servedState(warehouse, env);
  const tables = await versionTables(warehouse);
  /** Assets with a table of their name (a chart has none). */
  const hasTable = (asset: string) => (tables.get(envState.assets[asset] ?? "") ?? []).includes(asset);
  const wanted =
    options.assets ??
    Object.keys(envState.assets)
      .filter((asset) => envState.assets[asset] !== production.assets[asset] && hasTable(asset))
      .sort();
  const versions = warehouse.inSchema(VERSIONS_SCHEMA, []);
  const views = await versionViews(warehouse);
  const side = async (asset: string, version: string | undefined, servedIn: string) => {
    // A view asset's version has no table: compared through the view that serves it.
    if (version !== undefined && views.has(version)) {
      return { relation: relation(servedIn, asset), columns: (await warehouse.inSchema(servedIn, []).describe(asset)) ?? [] };
    }
    // A version production never ran has no table yet: compared as empty.
    const table = version === undefined || !(tables.get(version) ?? []).includes(asset) ? undefined : versionTable(asset, version);
    const columns = table === undefined ? [] : ((await versions.describe(table)) ?? []);
    return { relation: table === undefined ? `(SELECT 1 AS "__none" WHERE false)` : relation(VERSIONS_SCHEMA, table), columns };
  };
  const assets: Record<string, AssetDiff> = {};
  for (const asset of wanted) {
    const after = envState.assets[asset];
    if (after === undefined || !hasTable(asset)) {
      assets[asset] = { error: after === undefined ? `"${asset}" is not an asset of environment "${env}"` : `"${asset}" has no table to compare (a chart)` };
      continue;
    }
    const before = production.assets[asset];
    // A new asset has nothing to match against: every row is added.
    const key = before === undefined ? [] : (options.key ?? diffKeyOf(envState.notebooks, asset));
    assets[asset] = await dataDiff(warehouse, await side(asset, before, warehouse.schema), await side(asset, after, envSchema(env)), key.length > 0 ? { key } : {});
  }
  return { ok: true, assets };
}
