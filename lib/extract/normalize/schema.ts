// Table schemas as ordered column -> logical type maps, inferred from batches of rows and
// evolved between batches and runs by adding columns and promoting types (never by
// adding variant columns).
import type { Column, ColumnSpec, LogicalType, Row } from "../../warehouse/types";
import { inferType, logicalTypeOfBackend, widenType } from "./logical-types";
import type { InternalColumn } from "./names";

/** Column name -> logical type, in column order. */
export type TableSchema = Map<string, LogicalType>;

export interface InferredColumn {
  type: LogicalType;
  /** A value that made the column this type (for error messages). */
  sample: unknown;
}

export function schemaFromColumns(columns: readonly Column[]): TableSchema {
  return new Map(columns.map((column) => [column.name, logicalTypeOfBackend(column.type)]));
}

export function schemaToSpecs(schema: TableSchema): ColumnSpec[] {
  return [...schema].map(([name, type]) => ({ name, type }));
}

/** Keys are text even when they look like dates or numbers; positions are integers. */
export const INTERNAL_COLUMN_TYPES: ReadonlyMap<string, LogicalType> = new Map<InternalColumn, LogicalType>([
  ["_parent_key", "VARCHAR"],
  ["_root_key", "VARCHAR"],
  ["_row_key", "VARCHAR"],
  ["_index", "BIGINT"],
]);

/**
 * The columns of a batch of rows, in first-seen order; all-null columns are left out.
 * Columns in `fixed` get that type whatever their values look like.
 */
export function inferSchema(rows: readonly Row[], fixed: ReadonlyMap<string, LogicalType> = INTERNAL_COLUMN_TYPES): Map<string, InferredColumn> {
  const inferred = new Map<string, InferredColumn>();
  for (const row of rows) {
    for (const name in row) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      const known = inferred.get(name);
      // VARCHAR holds anything: no value can widen it, so skip inferring (regexes, Date.parse).
      if (known?.type === "VARCHAR") continue;
      const type = fixed.get(name) ?? inferType(value);
      if (type === null) continue;
      if (!known) inferred.set(name, { type, sample: value });
      else if (type !== known.type && widenType(known.type, type) !== known.type) inferred.set(name, { type: widenType(known.type, type), sample: value });
    }
  }
  return inferred;
}

export interface Promotion {
  name: string;
  from: LogicalType;
  to: LogicalType;
}

export interface EvolutionPlan {
  add: ColumnSpec[];
  promote: Promotion[];
}

/** What has to change in `existing` so that a batch with `batch`'s columns fits. */
export function planEvolution(existing: TableSchema, batch: ReadonlyMap<string, { type: LogicalType }>): EvolutionPlan {
  const plan: EvolutionPlan = { add: [], promote: [] };
  for (const [name, { type }] of batch) {
    const current = existing.get(name);
    if (current === undefined) {
      plan.add.push({ name, type });
      continue;
    }
    const widened = widenType(current, type);
    if (widened !== current) plan.promote.push({ name, from: current, to: widened });
  }
  return plan;
}

export function isEmptyPlan(plan: EvolutionPlan): boolean {
  return plan.add.length === 0 && plan.promote.length === 0;
}

/** `existing` with the plan applied (new columns at the end). */
export function applyPlan(existing: TableSchema, plan: EvolutionPlan): TableSchema {
  const next = new Map(existing);
  for (const { name, to } of plan.promote) next.set(name, to);
  for (const { name, type } of plan.add) next.set(name, type);
  return next;
}
