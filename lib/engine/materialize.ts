// How one cell becomes a table: build into a staging table, check it there, then swap it
// in with one transaction. The old table stays whole until the swap commits.
import { blockingFailures, contractResult, describeFailure, runChecks, stripTrailingSemicolon, type CheckResult } from "../checks";
import type { ChartCell, SqlCell } from "../notebook/types";
import type { Column, CreatedTable, Warehouse } from "../warehouse/types";
import { quoteIdent } from "../warehouse/types";
import { stageTableFor, stageViewFor, type StagingScope } from "../extract/load/staging";
import { incrementalMergeSql, incrementalRowsSql } from "./incremental-sql";


export type MaterializeResult =
  /**
   * `sampled`: the result holds only part of its source's rows (a preview that stopped at its
   * cap). `note`: how it was made, where the run log should say (an extract loaded record by
   * record, and why).
   */
  | { ok: true; rows: number; columns: Column[]; checks: CheckResult[]; sampled?: boolean; note?: string }
  | { ok: false; reason: string; checks: CheckResult[] };

async function countRows(warehouse: Warehouse, table: string): Promise<number> {
  const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${quoteIdent(table)}`);
  return Number(row?.n ?? 0);
}

/**
 * The columns of an asset's last materialization, which a contract compares a build with
 * (null: never materialized). By default the table the swap is about to replace; an
 * environment's build, whose table is a new version, compares with production's.
 */
export type BaselineColumns = (asset: string) => Promise<Column[] | null>;

export interface SqlBuildOptions {
  /** What a contract compares with (default: the table the swap replaces). */
  baseline?: BaselineColumns;
  /** An incremental cell is built whole, as on its first run. */
  fullRefresh?: boolean;
  /** A view cell is kept as a table (the editor's preview reads its rows again and again). */
  viewAsTable?: boolean;
  /** Staging names of one attempt (a view cell's staging view is named after them). */
  scope?: StagingScope;
}

/** `staging` names the staging table when several builds of one asset may run at once (partitions). */
export async function materializeSql(warehouse: Warehouse, cell: SqlCell, staging = stageTableFor(cell.name), options: SqlBuildOptions = {}): Promise<MaterializeResult> {
  if (cell.config.materialized === "view" && options.viewAsTable !== true) return materializeView(warehouse, cell, options);
  const { baseline } = options;
  // An incremental cell whose table exists computes only its new rows, then merges them in.
  const current = cell.config.materialized === "incremental" && options.fullRefresh !== true ? await warehouse.describe(cell.name) : null;
  const sql = stripTrailingSemicolon(cell.config.sql);
  let created: CreatedTable;
  try {
    // The workspace macros it calls: named by their content, so creating one that exists is a no-op.
    for (const statement of warehouse.dialect.macroStatements(cell.config.macros ?? [])) await warehouse.exec(statement);
    // Its rows and columns come with it: no count(*) or describe on the editor's critical path.
    created = await warehouse.createTableAs(staging, current === null ? sql : incrementalRowsSql(sql, cell.name, cell.config.incremental));
    if (current !== null) {
      staging = await mergeNewRows(warehouse, cell, staging, current);
      created = { rows: await countRows(warehouse, staging), columns: (await warehouse.describe(staging)) ?? [] };
    }
  } catch (e) {
    await warehouse.drop(staging);
    return { ok: false, reason: e instanceof Error ? e.message : String(e), checks: [] };
  }
  const { rows } = created;
  const checked = await checkStaged(warehouse, cell, staging, baseline, created.columns);
  if (!checked.ok) {
    await warehouse.drop(staging);
    return checked;
  }
  await warehouse.swap([{ staging, target: cell.name }]);
  return { ok: true, rows, columns: checked.columns, checks: checked.checks };
}

/** The cell's checks and contract over what it staged: its columns, or why it may not be swapped in. */
async function checkStaged(
  warehouse: Warehouse,
  cell: SqlCell,
  staging: string,
  baseline: BaselineColumns | undefined,
  known?: Column[],
): Promise<{ ok: true; columns: Column[]; checks: CheckResult[] } | { ok: false; reason: string; checks: CheckResult[] }> {
  const checks = await runChecks(warehouse, staging, cell.checks);
  const columns = known ?? (await warehouse.describe(staging)) ?? [];
  const contract = cell.config.contract;
  if (contract !== undefined) checks.push(contractResult(contract, await (baseline ?? ((asset) => warehouse.describe(asset)))(cell.name), columns));
  const blocking = blockingFailures(checks);
  if (blocking.length > 0) return { ok: false, reason: blocking.map(describeFailure).join("; "), checks };
  return { ok: true, columns, checks };
}

/**
 * A view cell (`-- materialized: view`) stores nothing: it is made as a staging view, checked
 * there like a table, then swapped in as a view over its SQL (where it is served: its own
 * name, or an environment's and production's names over the version).
 */
async function materializeView(warehouse: Warehouse, cell: SqlCell, options: SqlBuildOptions): Promise<MaterializeResult> {
  const staging = stageViewFor(cell.name, options.scope);
  const dropStaging = () => warehouse.exec(`DROP VIEW IF EXISTS ${quoteIdent(staging)}`);
  const sql = stripTrailingSemicolon(cell.config.sql);
  try {
    await dropStaging();
    for (const statement of warehouse.dialect.macroStatements(cell.config.macros ?? [])) await warehouse.exec(statement);
    await warehouse.exec(`CREATE VIEW ${quoteIdent(staging)} AS (\n${sql}\n)`);
  } catch (e) {
    await dropStaging().catch(() => undefined);
    return { ok: false, reason: e instanceof Error ? e.message : String(e), checks: [] };
  }
  const checked = await checkStaged(warehouse, cell, staging, options.baseline);
  if (!checked.ok) {
    await dropStaging();
    return checked;
  }
  const rows = await countRows(warehouse, staging);
  await warehouse.swap([{ staging, target: cell.name, view: sql }]);
  return { ok: true, rows, columns: checked.columns, checks: checked.checks };
}

/** The incremental run's new rows merged into the current table, in a staging table of its own (returned); the new rows' table is dropped. */
async function mergeNewRows(warehouse: Warehouse, cell: SqlCell, newRows: string, current: Column[]): Promise<string> {
  const incoming = (await warehouse.describe(newRows)) ?? [];
  const names = (columns: readonly Column[]) => columns.map((column) => column.name.toLowerCase()).sort().join(", ");
  if (names(incoming) !== names(current)) {
    throw new Error(`the columns changed since the last build (${names(current)} -> ${names(incoming)}): an incremental cell needs a full refresh (assetbook run --full-refresh)`);
  }
  const merged = `${newRows}__merged`;
  await warehouse.drop(merged);
  try {
    await warehouse.exec(incrementalMergeSql({ stage: merged, target: cell.name, newRows, columns: current.map((column) => column.name), key: cell.config.uniqueKey ?? [] }));
  } catch (error) {
    await warehouse.drop(merged);
    throw error;
  }
  await warehouse.drop(newRows);
  return merged;
}

/** A chart materializes no table: it checks that its data and encoded columns exist. */
export async function materializeChart(warehouse: Warehouse, cell: ChartCell): Promise<MaterializeResult> {
  const columns = await warehouse.describe(cell.config.from);
  if (!columns) return { ok: false, reason: `table "${cell.config.from}" does not exist`, checks: [] };
  const known = new Set(columns.map((c) => c.name.toLowerCase()));
  for (const channel of ["x", "y", "color", "size"] as const) {
    const field = cell.config[channel];
    if (typeof field === "string" && !known.has(field.toLowerCase())) {
      return { ok: false, reason: `${channel}: column "${field}" is not in "${cell.config.from}"`, checks: [] };
    }
  }
  const checks = await runChecks(warehouse, cell.config.from, cell.checks);
  const blocking = blockingFailures(checks);
  if (blocking.length > 0) return { ok: false, reason: blocking.map(describeFailure).join("; "), checks };
  return { ok: true, rows: await countRows(warehouse, cell.config.from), columns, checks };
}
