// Where the lifecycle keeps things in a warehouse. Plain names, plain SQL that DuckDB and
// PostgreSQL both accept.
//
//   _assetbook_v."<table>__<version>"   every built version's tables (immutable definition)
//   "env__<name>"."<table>"             an environment's views: its versions, else production's
//   <production schema>."<table>"       production's views (main on DuckDB, the configured schema on PostgreSQL)
//   _assetbook.lc_*                     which version each environment serves, its notebook texts,
//                                       its plan, and the promotions (history for rollback)
//
// What production serves is in lc_assets, written in the same transaction as its views.
import { createHash } from "node:crypto";
import { z } from "zod";
import { quoteIdent, quoteLiteral, type TxStep, type ViewTarget } from "../warehouse/types";

export const VERSIONS_SCHEMA = "_assetbook_v";
export const META_SCHEMA = "_assetbook";
export const PRODUCTION = "production";

/** An environment name: what a branch or a person would use, safe as part of a schema name. */
export const ENV_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,39}$/;
export const envNameSchema = z
  .string()
  .regex(ENV_NAME_PATTERN, { message: "an environment name is 1-40 lowercase letters, digits, - and _, starting with a letter or digit" })
  .refine((name) => name !== PRODUCTION, { message: `"${PRODUCTION}" is not an environment to build into: promote to change it` });

/** One schema per environment name (quoted wherever it is used, so `-` stays as it is). */
export function envSchema(env: string): string {
  return `env__${env}`;
}

/**
 * PostgreSQL cuts identifiers at 63 bytes: a version's table name stays within 58, so the
 * `__old` a swap renames it to fits too. A longer table name is cut and made unique again
 * by a hash of the whole name.
 */
const MAX_VERSION_TABLE = 58;

/** The physical table of one of a version's tables. */
export function versionTable(table: string, version: string): string {
  const name = `${table}__${version}`;
  if (Buffer.byteLength(name) <= MAX_VERSION_TABLE) return name;
  const room = MAX_VERSION_TABLE - version.length - 2 - 9;
  return `${Buffer.from(table).subarray(0, room).toString().replace(/\uFFFD+$/, "")}_${createHash("sha256").update(table).digest("hex").slice(0, 8)}__${version}`;
}

/** A timestamp literal both backends read. */
export function sqlTimestamp(at: Date): string {
  return `CAST(${quoteLiteral(at.toISOString().replace("T", " ").replace("Z", ""))} AS TIMESTAMP)`;
}

export function relation(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

const meta = (table: string) => relation(META_SCHEMA, table);
export const ASSETS_TABLE = meta("lc_assets");
export const NOTEBOOKS_TABLE = meta("lc_notebooks");
export const VERSIONS_TABLE = meta("lc_versions");
export const PLANS_TABLE = meta("lc_plans");
export const PROMOTIONS_TABLE = meta("lc_promotions");
export const BUILDS_TABLE = meta("lc_builds");
export const VIEWS_TABLE = meta("lc_views");

export const CREATE_LIFECYCLE_SQL = [
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(META_SCHEMA)}`,
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(VERSIONS_SCHEMA)}`,
  // One row per version: its asset and its tables (JSON array of table names).
  `CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} (version VARCHAR PRIMARY KEY, asset VARCHAR NOT NULL, tables VARCHAR NOT NULL, built_in VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${ASSETS_TABLE} (env VARCHAR NOT NULL, asset VARCHAR NOT NULL, version VARCHAR NOT NULL, PRIMARY KEY (env, asset))`,
  `CREATE TABLE IF NOT EXISTS ${NOTEBOOKS_TABLE} (env VARCHAR NOT NULL, slug VARCHAR NOT NULL, text VARCHAR NOT NULL, PRIMARY KEY (env, slug))`,
  `CREATE TABLE IF NOT EXISTS ${PLANS_TABLE} (env VARCHAR PRIMARY KEY, plan VARCHAR NOT NULL, status VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)`,
  // The outcome of an environment's last build (each asset's status, rows and checks), as JSON.
  // `diff`: the data diff against production, stored once with the build for pages to read (JSON, or null).
  `CREATE TABLE IF NOT EXISTS ${BUILDS_TABLE} (env VARCHAR PRIMARY KEY, outcomes VARCHAR NOT NULL, ok BOOLEAN NOT NULL, built_at TIMESTAMP NOT NULL, diff VARCHAR)`,
  // `before` holds what production served before: a rollback puts it back.
  `CREATE TABLE IF NOT EXISTS ${PROMOTIONS_TABLE} (id VARCHAR PRIMARY KEY, seq BIGINT NOT NULL, env VARCHAR NOT NULL, plan_hash VARCHAR NOT NULL, before_state VARCHAR NOT NULL, after_state VARCHAR NOT NULL, promoted_at TIMESTAMP NOT NULL)`,
  // A view asset's version has no table: its SQL, which the views serving it are made over.
  `CREATE TABLE IF NOT EXISTS ${VIEWS_TABLE} (version VARCHAR PRIMARY KEY, sql VARCHAR NOT NULL)`,
  // Two promotions (or rollbacks) at once both read the same latest one: the second to commit fails here.
  `CREATE UNIQUE INDEX IF NOT EXISTS lc_promotions_seq ON ${PROMOTIONS_TABLE} (seq)`,
];

/** What a view serving `table` of `version` reads: the version's table, or a view asset's SQL. */
export function servedTarget(table: string, version: string, viewSql: string | undefined): ViewTarget {
  return viewSql === undefined ? { schema: VERSIONS_SCHEMA, table: versionTable(table, version) } : { sql: viewSql };
}

/** The steps that record a view asset version's SQL (a run with other values may rewrite it, as it rewrites a table). */
export function viewSqlSteps(version: string, sql: string): TxStep[] {
  return [
    { sql: `DELETE FROM ${VIEWS_TABLE} WHERE version = ${quoteLiteral(version)}` },
    { sql: `INSERT INTO ${VIEWS_TABLE} (version, sql) VALUES (${quoteLiteral(version)}, ${quoteLiteral(sql)})` },
  ];
}

export { quoteIdent, quoteLiteral };
