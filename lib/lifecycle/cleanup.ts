// Dropping an environment, and the janitor that drops versions nothing needs. A version is
// needed while any environment serves it (production included) and while it is one of the
// last `keep` versions production served of its asset (a rollback may need it). Each drop
// re-checks, inside its own transaction, that nothing serves the version: a cleanup killed
// midway never leaves a served version without its tables.
import { GuardError } from "../warehouse/errors";
import { STATE_TABLE } from "../warehouse/metadata-sql";
import type { TxStep, Warehouse } from "../warehouse/types";
import { ASSETS_TABLE, BUILDS_TABLE, envSchema, NOTEBOOKS_TABLE, PLANS_TABLE, quoteIdent, quoteLiteral, relation, VERSIONS_SCHEMA, VERSIONS_TABLE, VIEWS_TABLE, versionTable } from "./layout";
import { environments, promotions, versionTables } from "./store";

export const DEFAULT_KEEP = 3;

/** Drops an environment's views and records, then the versions only it needed. */
export async function dropEnvironment(warehouse: Warehouse, env: string, keep = DEFAULT_KEEP): Promise<{ dropped: boolean; versions: string[] }> {
  const known = (await environments(warehouse)).some((record) => record.env === env);
  await warehouse.transaction([
    { sql: `DELETE FROM ${ASSETS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `DELETE FROM ${NOTEBOOKS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `DELETE FROM ${PLANS_TABLE} WHERE env = ${quoteLiteral(env)}` },
    { sql: `DELETE FROM ${BUILDS_TABLE} WHERE env = ${quoteLiteral(env)}` },
  ]);
  await warehouse.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(envSchema(env))} CASCADE`);
  return { dropped: known, versions: await collectVersions(warehouse, keep) };
}

/** The versions kept for rollback: each asset's last `keep` production versions, newest first. */
export async function retainedVersions(warehouse: Warehouse, keep = DEFAULT_KEEP): Promise<Set<string>> {
  const kept = new Map<string, string[]>();
  for (const promotion of await promotions(warehouse)) {
    for (const state of [promotion.after, promotion.before]) {
      for (const [asset, version] of Object.entries(state.assets)) {
        const versions = kept.get(asset) ?? [];
        if (!versions.includes(version) && versions.length < keep) versions.push(version);
        kept.set(asset, versions);
      }
    }
  }
  return new Set([...kept.values()].flat());
}

/** Drops every version no environment serves and no rollback may need; returns those dropped. */
export async function collectVersions(warehouse: Warehouse, keep = DEFAULT_KEEP): Promise<string[]> {
  const retained = await retainedVersions(warehouse, keep);
  const served = new Set((await warehouse.query(`SELECT DISTINCT version FROM ${ASSETS_TABLE}`)).map((row) => String(row.version)));
  const dropped: string[] = [];
  for (const [version, tables] of await versionTables(warehouse)) {
    if (retained.has(version) || served.has(version)) continue;
    const steps: TxStep[] = [
      // Still unserved, checked under the transaction: otherwise nothing is dropped.
      { guard: { sql: `DELETE FROM ${VERSIONS_TABLE} WHERE version = ${quoteLiteral(version)} AND NOT EXISTS (SELECT 1 FROM ${ASSETS_TABLE} WHERE version = ${quoteLiteral(version)}) RETURNING version`, message: `version ${version} is served again` } },
      ...tables.map((table): TxStep => ({ sql: `DROP TABLE IF EXISTS ${relation(VERSIONS_SCHEMA, versionTable(table, version))}` })),
      { sql: `DELETE FROM ${VIEWS_TABLE} WHERE version = ${quoteLiteral(version)}` },
      // Its extract state (cursors, schemas) goes with it: keys `<kind>:<asset>@<version>:…`.
      { sql: `DELETE FROM ${STATE_TABLE} WHERE key LIKE ${quoteLiteral(`%@${version}:%`)}` },
    ];
    try {
      await warehouse.transaction(steps);
      dropped.push(version);
    } catch (error) {
      if (!(error instanceof GuardError)) throw error;
    }
  }
  return dropped;
}

