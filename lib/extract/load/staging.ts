// Staging tables of an extract run (named per run attempt and partition in production, so
// attempts never share one), and one table being written while pages arrive: its schema
// evolves (ADD COLUMN, ALTER COLUMN ... TYPE) as later pages bring new columns or wider
// values, and every page goes in with one bulk load.
import { inferSchema, isEmptyPlan, planEvolution, applyPlan, schemaFromColumns, schemaToSpecs, type TableSchema } from "../normalize/schema";
import { widenType } from "../normalize/logical-types";
import { quoteIdent, quoteLiteral, type LogicalType, type Row, type Swap, type Warehouse } from "../../warehouse/types";

/** The engine's prefix for tables built before a swap. */
export const STAGE_PREFIX = "_ab_stage__";
/** New rows of a merge, before they are folded into the existing ones. */
export const NEW_ROWS_PREFIX = "_ab_new__";

/**
 * Whose staging tables these are in a production run: one attempt (the job's attempt
 * number) at one partition of an asset. Two attempts never share a staging table, so a late
 * attempt (a frozen worker) cannot write into the tables of the attempt that replaced it.
 */
export interface StagingScope {
  partition: string | null;
  attempt: number;
}

/** `__a<attempt>`, then `__p_<key>` for a partition: `_ab_stage__orders__a2__p_2024_01_17`. */
export function stagingSuffix(scope: StagingScope | undefined): string {
  if (scope === undefined) return "";
  return `__a${scope.attempt}${scope.partition === null ? "" : `__p_${partitionTag(scope.partition)}`}`;
}

function partitionTag(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, "_");
}

export function stageTableFor(table: string, scope?: StagingScope): string {
  return `${STAGE_PREFIX}${table}${stagingSuffix(scope)}`;
}

/** The view a `materialized: view` cell is checked as before its swap (a name no table takes, so it is dropped as a view). */
export function stageViewFor(table: string, scope?: StagingScope): string {
  return `_ab_view__${table}${stagingSuffix(scope)}`;
}

export function newRowsTableFor(table: string, scope?: StagingScope): string {
  return `${NEW_ROWS_PREFIX}${table}${stagingSuffix(scope)}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether `name` is a staging table of `asset` (its own or a child table's) that `scope` may
 * drop: same partition, attempt not newer than its own. Without a scope: any of the asset's.
 */
function isLeftover(name: string, prefix: string, asset: string, scope: StagingScope | undefined): boolean {
  const head = `${prefix}${asset}`;
  if (scope === undefined) return name === head || name.startsWith(`${head}__`);
  const partition = scope.partition === null ? "" : `__p_${escapeRegExp(partitionTag(scope.partition))}`;
  const match = new RegExp(`^${escapeRegExp(head)}(?:__.+)?__a(\\d+)${partition}$`).exec(name);
  return match !== null && Number(match[1]) <= scope.attempt;
}

/**
 * Drops what a killed or failed run of `asset` left behind (its tables and child tables).
 * With a scope, only that partition's tables of this attempt and older ones: a newer attempt's
 * tables, or another partition's being built at the same time, are left alone.
 */
export async function dropLeftoverStaging(warehouse: Warehouse, asset: string, scope?: StagingScope): Promise<string[]> {
  const prefixes = [STAGE_PREFIX, NEW_ROWS_PREFIX];
  const conditions = prefixes.flatMap((prefix) => {
    const own = `${prefix}${asset}`;
    const children = `${own}__`;
    return [`table_name = ${quoteLiteral(own)}`, `left(table_name, ${children.length}) = ${quoteLiteral(children)}`];
  });
  const rows = await warehouse.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND (${conditions.join(" OR ")})`,
  );
  const names = rows.map((row) => String(row.table_name)).filter((name) => prefixes.some((prefix) => isLeftover(name, prefix, asset, scope)));
  for (const name of names) await warehouse.drop(name);
  return names;
}

/**
 * A partition's rows go into the existing table by position, so before its swap the table
 * gains the columns the partition brought (NULL in the other partitions) and its types widen
 * to hold the new values. Only ever additive: nothing the other partitions hold changes.
 */
export async function widenTarget(warehouse: Warehouse, swap: Swap): Promise<void> {
  const targetColumns = await warehouse.describe(swap.target);
  const stagedColumns = await warehouse.describe(swap.staging);
  if (targetColumns === null || stagedColumns === null) return;
  const target = schemaFromColumns(targetColumns);
  const table = quoteIdent(swap.target);
  for (const [name, type] of schemaFromColumns(stagedColumns)) {
    const existing = target.get(name);
    const wider = existing === undefined ? type : widenType(existing, type);
    if (existing === undefined) await warehouse.exec(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS ${quoteIdent(name)} ${warehouse.dialect.typeName(type)}`);
    else if (wider !== existing) await warehouse.exec(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(name)} TYPE ${warehouse.dialect.typeName(wider)}`);
  }
}

/** A staging table written page by page. */
export class StagingTable {
  private created: boolean;
  private rowCount = 0;

  constructor(
    private readonly warehouse: Warehouse,
    readonly name: string,
    private currentSchema: TableSchema,
    /** Whether the table already exists (e.g. a copy of the target for append). */
    exists: boolean,
    /** Columns whose type does not follow their values (keys). */
    private readonly fixedTypes: ReadonlyMap<string, LogicalType>,
    /** Rows this run already put in it (a table staged by SQL: raw-table.ts). */
    written = 0,
    /**
     * A merge's new rows are its winners already (staged by SQL, raw-table.ts): one root row
     * per key, the child rows of those alone.
     */
    readonly winnersOnly = false,
  ) {
    this.created = exists;
    this.rowCount = written;
  }

  get schema(): TableSchema {
    return this.currentSchema;
  }

  get exists(): boolean {
    return this.created;
  }

  /** Rows written in this run. */
  get written(): number {
    return this.rowCount;
  }

  async write(rows: Row[]): Promise<void> {
    if (rows.length === 0) return;
    const plan = planEvolution(this.currentSchema, inferSchema(rows, this.fixedTypes));
    if (this.created && !isEmptyPlan(plan)) {
      const table = quoteIdent(this.name);
      const type = (logical: LogicalType) => this.warehouse.dialect.typeName(logical);
      for (const { name, to } of plan.promote) {
        // Casts the rows already staged, e.g. BIGINT -> DOUBLE when page 3 brings 1.5.
        await this.warehouse.exec(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(name)} TYPE ${type(to)}`);
      }
      for (const { name, type: logical } of plan.add) {
        await this.warehouse.exec(`ALTER TABLE ${table} ADD COLUMN ${quoteIdent(name)} ${type(logical)}`);
      }
    }
    this.currentSchema = applyPlan(this.currentSchema, plan);
    await this.warehouse.loadRows(this.name, schemaToSpecs(this.currentSchema), rows);
    this.created = true;
    this.rowCount += rows.length;
  }
}
