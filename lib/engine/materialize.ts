// How one cell becomes a table: build into a staging table, check it there, then swap it
// in with one transaction. The old table stays whole until the swap commits.
import { blockingFailures, contractResult, describeFailure, runChecks, stripTrailingSemicolon, type CheckResult } from "../checks";
import type { ChartCell, SqlCell } from "../notebook/types";
import type { Column, Warehouse } from "../warehouse/types";
import { quoteIdent } from "../warehouse/types";
import { stageTableFor } from "../extract/load/staging";


export type MaterializeResult =
  /** `sampled`: the result holds only part of its source's rows (a preview that stopped at its cap). */
  | { ok: true; rows: number; columns: Column[]; checks: CheckResult[]; sampled?: boolean }
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

/** `staging` names the staging table when several builds of one asset may run at once (partitions). */
export async function materializeSql(warehouse: Warehouse, cell: SqlCell, staging = stageTableFor(cell.name), baseline?: BaselineColumns): Promise<MaterializeResult> {
  await warehouse.drop(staging);
  try {
    // The workspace macros it calls: named by their content, so creating one that exists is a no-op.
    for (const statement of warehouse.dialect.macroStatements(cell.config.macros ?? [])) await warehouse.exec(statement);
    // The newline before `)` keeps a trailing `-- comment` in the cell from swallowing it.
    await warehouse.exec(`CREATE TABLE ${quoteIdent(staging)} AS (\n${stripTrailingSemicolon(cell.config.sql)}\n)`);
  } catch (e) {
    await warehouse.drop(staging);
    return { ok: false, reason: e instanceof Error ? e.message : String(e), checks: [] };
  }
  const checks = await runChecks(warehouse, staging, cell.checks);
  const columns = (await warehouse.describe(staging)) ?? [];
  const contract = cell.config.contract;
  if (contract !== undefined) checks.push(contractResult(contract, await (baseline ?? ((asset) => warehouse.describe(asset)))(cell.name), columns));
  const blocking = blockingFailures(checks);
  if (blocking.length > 0) {
    await warehouse.drop(staging);
    return { ok: false, reason: blocking.map(describeFailure).join("; "), checks };
  }
  const rows = await countRows(warehouse, staging);
  await warehouse.swap([{ staging, target: cell.name }]);
  return { ok: true, rows, columns, checks };
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
