// Staging tables of an extract run, and one table being written while pages arrive:
// its schema evolves (ADD COLUMN, ALTER COLUMN ... TYPE) as later pages bring new
// columns or wider values, and every page goes in with one bulk load.
import { inferSchema, isEmptyPlan, planEvolution, applyPlan, schemaToSpecs, type TableSchema } from "../normalize/schema";
import { sqlTypeName } from "../normalize/logical-types";
import { quoteIdent, quoteLiteral, type LogicalType, type Row, type Warehouse } from "../../warehouse/types";

/** The engine's prefix for tables built before a swap. */
export const STAGE_PREFIX = "_ab_stage__";
/** New rows of a merge, before they are folded into the existing ones. */
export const NEW_ROWS_PREFIX = "_ab_new__";

export function stageTableFor(table: string): string {
  return `${STAGE_PREFIX}${table}`;
}

export function newRowsTableFor(table: string): string {
  return `${NEW_ROWS_PREFIX}${table}`;
}

/** Drops what a killed or failed run of `asset` left behind (its tables and child tables). */
export async function dropLeftoverStaging(warehouse: Warehouse, asset: string): Promise<string[]> {
  const prefixes = [STAGE_PREFIX, NEW_ROWS_PREFIX];
  const conditions = prefixes.flatMap((prefix) => {
    const own = `${prefix}${asset}`;
    const children = `${own}__`;
    return [`table_name = ${quoteLiteral(own)}`, `left(table_name, ${children.length}) = ${quoteLiteral(children)}`];
  });
  const rows = await warehouse.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND (${conditions.join(" OR ")})`,
  );
  const names = rows.map((row) => String(row.table_name));
  for (const name of names) await warehouse.drop(name);
  return names;
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
  ) {
    this.created = exists;
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
      const type = (logical: Parameters<typeof sqlTypeName>[0]) => sqlTypeName(logical, this.warehouse.backend);
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
