// SQL for Assetbook's own metadata in a warehouse (schema `_assetbook`) and for the
// atomic swap. Plain SQL that DuckDB and PostgreSQL both accept.
import { GuardError } from "./errors";
import { quoteIdent, quoteLiteral, type Column, type Fence, type StateWrite, type Swap, type SwapOptions, type TxStep, type ViewRef, type ViewTarget } from "./types";
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
 * The steps of a swap, to run between BEGIN and COMMIT. Each target is replaced by its
 * staging table; then the state rows are upserted or deleted. A target that views read
 * (`views`) is renamed away first, so no backend refuses to drop a table a view binds to,
 * and dropped once its views read the new one. With `retireAs`, a replaced table is renamed
 * to the name it gives and left for the caller to drop.
 */
export function swapSteps(schema: string, swaps: Swap[], state: StateWrite[], now: Date, retireAs?: SwapOptions["retireAs"]): TxStep[] {
  const steps: TxStep[] = [];
  const sql = (text: string) => steps.push({ sql: text });
  for (const { staging, target, partition, views: serving = [], view: query, aliases = [] } of swaps) {
    // An asset placed in another schema is served there too, under its name, by a view of the target.
    const placed = [...new Set(aliases)].filter((alias) => alias !== schema);
    const views = [...serving, ...placed.map((alias) => ({ schema: alias, name: target }))];
    // The first write of an asset placed in a schema makes the schema.
    for (const other of new Set(views.map((view) => view.schema).filter((name) => name !== schema))) sql(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(other)}`);
    const follow = () => {
      for (const view of views) steps.push({ view: { ...view, target: { schema, table: target } } });
    };
    if (query !== undefined) {
      sql(`DROP VIEW IF EXISTS ${qualified(schema, staging)}`);
      for (const view of serving.length > 0 ? serving : [{ schema, name: target }]) steps.push({ view: { ...view, target: { sql: query } } });
      for (const alias of placed) steps.push({ view: { schema: alias, name: target, target: serving.length > 0 ? { sql: query } : { schema, table: target } } });
      continue;
    }
    if (partition === undefined && views.length === 0 && retireAs === undefined) {
      // Whichever it is: the asset may have been a view before.
      steps.push({ drop: { schema, name: target } });
      sql(`ALTER TABLE ${qualified(schema, staging)} RENAME TO ${quoteIdent(target)}`);
      continue;
    }
    if (partition === undefined) {
      const old = retireAs === undefined ? `${target}__old` : retireAs(target);
      // The asset was a view before (a view asset that became a table): nothing to keep aside.
      steps.push({ drop: { schema, name: target }, onlyView: true, ...(views.length > 0 ? { dependents: views } : {}) });
      if (retireAs === undefined) sql(`DROP TABLE IF EXISTS ${qualified(schema, old)}`);
      sql(`ALTER TABLE IF EXISTS ${qualified(schema, target)} RENAME TO ${quoteIdent(old)}`);
      sql(`ALTER TABLE ${qualified(schema, staging)} RENAME TO ${quoteIdent(target)}`);
      follow();
      // A retired table is the caller's to drop, after the swap.
      if (retireAs === undefined) sql(`DROP TABLE IF EXISTS ${qualified(schema, old)}`);
      continue;
    }
    const [t, s] = [qualified(schema, target), qualified(schema, staging)];
    sql(`CREATE TABLE IF NOT EXISTS ${t} AS SELECT * FROM ${s} WHERE 1 = 0`);
    sql(`DELETE FROM ${t} WHERE ${quoteIdent(partition.column)} = ${quoteLiteral(partition.key)}`);
    sql(`INSERT INTO ${t} SELECT * FROM ${s}`);
    sql(`DROP TABLE ${s}`);
    follow();
  }
  const stamp = quoteLiteral(now.toISOString().replace("T", " ").replace("Z", ""));
  for (const { key, value } of state) {
    if (value === undefined) {
      sql(`DELETE FROM ${STATE_TABLE} WHERE key = ${quoteLiteral(key)}`);
    } else {
      sql(
        `INSERT INTO ${STATE_TABLE} (key, value, updated_at) VALUES (${quoteLiteral(key)}, ${quoteLiteral(toJsonText(value))}, CAST(${stamp} AS TIMESTAMP)) ` +
          `ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      );
    }
  }
  return steps;
}

/** How an adapter runs the steps of a transaction (it is inside BEGIN … COMMIT). */
export interface StepRunner {
  run(sql: string): Promise<unknown>;
  readRows(sql: string): Promise<readonly unknown[]>;
  /**
   * Points (or drops, `target` null) one view: adapters differ when the columns change. A
   * table of the view's name is dropped first (an asset that was a table before).
   */
  pointView(view: ViewRef, target: ViewTarget | null): Promise<void>;
  /**
   * Whether a table, a view or nothing has this name. A runner may answer "table" unlooked for
   * a table or nothing (duckdb-wasm's swap), so the steps drop a table IF EXISTS.
   */
  relationKind(relation: ViewRef): Promise<"table" | "view" | null>;
}

export async function runSteps(steps: readonly TxStep[], runner: StepRunner): Promise<void> {
  let batch: string[] = [];
  for (const [index, step] of steps.entries()) {
    if ("sql" in step) {
      // Consecutive statements go in one call: each call is a round trip (a message to
      // DuckDB-WASM's worker and back, or to the PostgreSQL server), and they fail alike. The
      // separator's newline ends a statement's trailing `-- comment` (a view asset's SQL).
      batch.push(step.sql);
      const next = steps[index + 1];
      if (next === undefined || !("sql" in next)) {
        await runner.run(batch.join("\n;\n"));
        batch = [];
      }
    } else if ("view" in step) await runner.pointView(step.view, step.view.target);
    else if ("drop" in step) await dropRelation(step.drop, runner, step.onlyView === true, step.dependents ?? []);
    else if ((await runner.readRows(step.guard.sql)).length === 0) throw new GuardError(step.guard.message);
  }
}

/** Drops a table or a view, whichever has the name (both backends refuse to drop one as the other). */
async function dropRelation(relation: ViewRef, runner: StepRunner, onlyView: boolean, dependents: readonly ViewRef[]): Promise<void> {
  const kind = await runner.relationKind(relation);
  if (kind === "view") {
    // PostgreSQL refuses to drop a view others read: ours go first.
    for (const dependent of dependents) await runner.run(dropViewSql(dependent));
    await runner.run(dropViewSql(relation));
  }
  // IF EXISTS: a runner may take a name for a table unlooked (duckdb-wasm.ts), when it may be nothing.
  else if (kind === "table" && !onlyView) await runner.run(`DROP TABLE IF EXISTS ${qualified(relation.schema, relation.name)}`);
}

/** A DuckDB view as pointView makes it (DuckDB binds a view by name when queried: replacing one never conflicts). */
export async function pointDuckdbView(runner: Pick<StepRunner, "run" | "relationKind">, view: ViewRef, target: ViewTarget | null): Promise<void> {
  if (target === null) return void (await runner.run(dropViewSql(view)));
  if ((await runner.relationKind(view)) === "table") await runner.run(`DROP TABLE IF EXISTS ${qualified(view.schema, view.name)}`);
  await runner.run(createViewSql(view, target, true));
}

/**
 * The kind of a relation in DuckDB's own catalog (fast in DuckDB-WASM, unlike
 * information_schema). Tables are asked first and alone: a swap's target almost always is
 * one, and duckdb_views() costs more (it lists DuckDB's internal views with their SQL).
 */
export async function duckdbRelationKind(readRows: (sql: string) => Promise<readonly unknown[]>, relation: ViewRef): Promise<"table" | "view" | null> {
  const where = (column: string) => `schema_name = ${quoteLiteral(relation.schema)} AND lower(${column}) = lower(${quoteLiteral(relation.name)})`;
  if ((await readRows(`SELECT 'table' AS kind FROM duckdb_tables() WHERE ${where("table_name")}`)).length > 0) return "table";
  return relationKindOf(await readRows(`SELECT 'view' AS kind FROM duckdb_views() WHERE NOT internal AND ${where("view_name")}`));
}

export function relationKindOf(rows: readonly unknown[]): "table" | "view" | null {
  const [row] = rows;
  const kind = typeof row === "object" && row !== null && "kind" in row ? row.kind : null;
  return kind === "view" || kind === "table" ? kind : null;
}

/**
 * The body of a swap's transaction, the same on every backend: the fence (the adapter's
 * `fence`, which checks and records it under the transaction), the guards, the swap itself,
 * then `beforeCommit`.
 */
export async function swapWork(
  schema: string,
  swaps: Swap[],
  state: StateWrite[],
  options: SwapOptions,
  runner: StepRunner,
  fence: (fence: Fence, now: Date) => Promise<void>,
): Promise<void> {
  const now = new Date();
  if (options.fence) await fence(options.fence, now);
  await runSteps((options.guards ?? []).map((guard) => ({ guard })), runner);
  await runSteps(swapSteps(schema, swaps, state, now, options.retireAs), runner);
  await options.beforeCommit?.();
}

/** The body of a `transaction`: its steps, then `beforeCommit`. */
export async function stepsWork(steps: readonly TxStep[], options: Pick<SwapOptions, "beforeCommit">, runner: StepRunner): Promise<void> {
  await runSteps(steps, runner);
  await options.beforeCommit?.();
}

export function createViewSql(view: ViewRef, target: ViewTarget, orReplace: boolean): string {
  // The newline before the end keeps a trailing `-- comment` of a view asset's SQL to itself.
  const body = "sql" in target ? `${target.sql}\n` : `SELECT * FROM ${qualified(target.schema, target.table)}`;
  return `CREATE ${orReplace ? "OR REPLACE " : ""}VIEW ${qualified(view.schema, view.name)} AS ${body}`;
}

export function dropViewSql(view: ViewRef): string {
  return `DROP VIEW IF EXISTS ${qualified(view.schema, view.name)}`;
}

/**
 * `CREATE TABLE … AS (<select>)`; the newlines keep a trailing `-- comment` in the select to
 * itself, and put its first line on the statement's line 2 (lib/workspace/sql-error.ts).
 * `orReplace` (DuckDB) replaces a leftover table in the same statement.
 */
export function createTableAsSql(schema: string, table: string, select: string, orReplace: boolean): string {
  return `CREATE ${orReplace ? "OR REPLACE " : ""}TABLE ${qualified(schema, table)} AS (\n${select}\n)`;
}

/** The rows a DuckDB `CREATE TABLE AS` reports it wrote (its one `Count` row). */
export function duckdbCreatedRows(rows: readonly Record<string, unknown>[]): number {
  const count = rows[0]?.Count;
  if (typeof count !== "number" && typeof count !== "bigint") throw new Error("CREATE TABLE AS did not report its row count");
  return Number(count);
}

/** Search path SQL on DuckDB (a comma-separated string; null: back to the default). */
export function duckdbSearchPathSql(schemas: readonly string[] | null): string {
  return schemas === null ? "RESET search_path" : `SET search_path = ${quoteLiteral(schemas.map(quoteIdent).join(","))}`;
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

/**
 * describeSql for DuckDB, through its own catalog function: the same rows (names, types,
 * nullability; tables and views), an order of magnitude faster than its information_schema
 * view (77 ms against 6 ms in DuckDB-WASM), which matters on the editor's critical path.
 */
export function duckdbDescribeSql(schema: string, table: string): string {
  return (
    `SELECT column_name, data_type, is_nullable FROM duckdb_columns() ` +
    `WHERE schema_name = ${quoteLiteral(schema)} AND lower(table_name) = lower(${quoteLiteral(table)}) ORDER BY column_index`
  );
}

/** The rows of describeSql or duckdbDescribeSql as the port's Column list; null when the table does not exist. */
export function columnsFromDescribe(rows: readonly Record<string, unknown>[]): Column[] | null {
  if (rows.length === 0) return null;
  return rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type).toUpperCase(), nullable: row.is_nullable === "YES" || row.is_nullable === true }));
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
