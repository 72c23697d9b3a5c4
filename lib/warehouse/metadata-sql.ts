// SQL for Assetbook's own metadata in a warehouse (schema `_assetbook`) and for the
// atomic swap. Plain SQL that DuckDB and PostgreSQL both accept.
import { quoteIdent, quoteLiteral, type Column, type StateWrite, type Swap } from "./types";
import { toJsonText } from "./values";

export const METADATA_SCHEMA = "_assetbook";
export const STATE_TABLE = `${quoteIdent(METADATA_SCHEMA)}.${quoteIdent("state")}`;

/** Values are JSON text in a VARCHAR: DuckDB-WASM has no JSON type offline. */
export const CREATE_METADATA_SQL = [
  `CREATE SCHEMA IF NOT EXISTS ${quoteIdent(METADATA_SCHEMA)}`,
  `CREATE TABLE IF NOT EXISTS ${STATE_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)`,
];

export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * The statements of a swap, to run between BEGIN and COMMIT. Each target is dropped and
 * its staging table renamed into place; then the state rows are upserted or deleted.
 */
export function swapStatements(schema: string, swaps: Swap[], state: StateWrite[], now: Date): string[] {
  const statements: string[] = [];
  for (const { staging, target, partition } of swaps) {
    if (partition === undefined) {
      statements.push(`DROP TABLE IF EXISTS ${qualified(schema, target)}`);
      statements.push(`ALTER TABLE ${qualified(schema, staging)} RENAME TO ${quoteIdent(target)}`);
      continue;
    }
    const [t, s] = [qualified(schema, target), qualified(schema, staging)];
    statements.push(`CREATE TABLE IF NOT EXISTS ${t} AS SELECT * FROM ${s} WHERE 1 = 0`);
    statements.push(`DELETE FROM ${t} WHERE ${quoteIdent(partition.column)} = ${quoteLiteral(partition.key)}`);
    statements.push(`INSERT INTO ${t} SELECT * FROM ${s}`);
    statements.push(`DROP TABLE ${s}`);
  }
  const stamp = quoteLiteral(now.toISOString().replace("T", " ").replace("Z", ""));
  for (const { key, value } of state) {
    if (value === undefined) {
      statements.push(`DELETE FROM ${STATE_TABLE} WHERE key = ${quoteLiteral(key)}`);
    } else {
      statements.push(
        `INSERT INTO ${STATE_TABLE} (key, value, updated_at) VALUES (${quoteLiteral(key)}, ${quoteLiteral(toJsonText(value))}, CAST(${stamp} AS TIMESTAMP)) ` +
          `ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      );
    }
  }
  return statements;
}

export function readStateSql(key: string): string {
  return `SELECT value FROM ${STATE_TABLE} WHERE key = ${quoteLiteral(key)}`;
}

/** information_schema's columns of a table, matched case-insensitively (every backend has it). */
export function describeSql(schema: string, table: string): string {
  return (
    `SELECT column_name, data_type, is_nullable FROM information_schema.columns ` +
    `WHERE table_schema = ${quoteLiteral(schema)} AND lower(table_name) = lower(${quoteLiteral(table)}) ORDER BY ordinal_position`
  );
}

/** The rows of describeSql as the port's Column list; null when the table does not exist. */
export function columnsFromDescribe(rows: readonly Record<string, unknown>[]): Column[] | null {
  if (rows.length === 0) return null;
  return rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type).toUpperCase(), nullable: row.is_nullable === "YES" }));
}

/**
 * BEGIN, the work, COMMIT; on any error ROLLBACK (a failed statement aborts the
 * transaction on every backend) and rethrow. `rollback` runs the ROLLBACK where `run` may
 * refuse it (a call whose signal aborted: see CallGate.statement).
 */
export async function inTransaction(
  run: (sql: string) => Promise<unknown>,
  work: () => Promise<void>,
  rollback: (sql: "ROLLBACK") => Promise<unknown> = run,
): Promise<void> {
  await run("BEGIN TRANSACTION");
  try {
    await work();
    await run("COMMIT");
  } catch (error) {
    await rollback("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
