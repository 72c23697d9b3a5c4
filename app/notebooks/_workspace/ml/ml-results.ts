// What the page shows under an ml cell, read back from the tables the cell wrote:
// metrics, feature importance, and predicted against actual (joined to the scored table
// on the cell's key columns, or on the row number when it has none).
import type { MlCell } from "@/lib/notebook/types";
import { quoteIdent, type Row, type Warehouse } from "@/lib/warehouse/types";

export const SCATTER_ROW_LIMIT = 5000;

export interface MetricView {
  metric: string;
  train?: number;
  test?: number;
}

export interface ConfusionCell {
  actual: string;
  predicted: string;
  count: number;
}

export type MlView = {
  metrics: MetricView[];
  importance: Row[];
} & (
  | { task: "regression"; points: Row[] }
  | { task: "classification"; confusion: ConfusionCell[] }
);

function keysOf(cell: MlCell): string[] {
  const key = cell.config.key;
  if (typeof key === "string") return [key];
  if (Array.isArray(key)) return key.filter((k): k is string => typeof k === "string");
  return [];
}

async function exists(warehouse: Warehouse, table: string): Promise<boolean> {
  return ((await warehouse.describe(table))?.length ?? 0) > 0;
}

function metricViews(rows: readonly Row[]): MetricView[] {
  const byName = new Map<string, MetricView>();
  for (const row of rows) {
    const metric = String(row.metric);
    const view = byName.get(metric) ?? { metric };
    const value = Number(row.value);
    if (row.split === "train") view.train = value;
    if (row.split === "test") view.test = value;
    byName.set(metric, view);
  }
  return [...byName.values()];
}

/** Predictions beside the actual target value, for the rows that have one. */
function joinedSql(cell: MlCell, select: string): string {
  const scored = typeof cell.config.predict_on === "string" ? cell.config.predict_on : cell.config.from;
  const target = quoteIdent(cell.config.target);
  const keys = keysOf(cell);
  // Without key columns, predictions carry `_row`: the row's position in the scored table,
  // which is DuckDB's rowid (tables are read in insertion order).
  const source =
    keys.length > 0
      ? `(select ${keys.map(quoteIdent).join(", ")}, ${target} as actual from ${quoteIdent(scored)})`
      : `(select rowid as _row, ${target} as actual from ${quoteIdent(scored)})`;
  const on = (keys.length > 0 ? keys : ["_row"]).map((k) => `p.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(" and ");
  return `select ${select} from ${quoteIdent(`${cell.name}__predictions`)} p join ${source} s on ${on} where s.actual is not null`;
}

/** The cell's outputs as the page shows them; undefined until it has written them. */
export async function readMlView(warehouse: Warehouse, cell: MlCell): Promise<MlView | undefined> {
  const metricsTable = `${cell.name}__metrics`;
  if (!(await exists(warehouse, metricsTable)) || !(await exists(warehouse, `${cell.name}__importance`))) return undefined;
  const metrics = metricViews(await warehouse.query(`select metric, split, value from ${quoteIdent(metricsTable)}`));
  const importance = await warehouse.query(`select feature, importance from ${quoteIdent(`${cell.name}__importance`)} order by importance desc`);
  const classification = metrics.some((m) => m.metric === "accuracy");
  const joined = async (select: string, rest: string) => {
    try {
      return await warehouse.query(`${joinedSql(cell, select)} ${rest}`);
    } catch {
      // The scored table has no target column (predict_on) or was replaced: nothing to compare.
      return [];
    }
  };
  if (!classification) {
    const points = await joined("cast(s.actual as double) as actual, p.predicted, p.split", `order by p.split desc limit ${SCATTER_ROW_LIMIT}`);
    return { task: "regression", metrics, importance, points };
  }
  const counts = await joined(
    "cast(s.actual as varchar) as actual, cast(p.predicted as varchar) as predicted, count(*) as n",
    "and p.split = 'test' group by all",
  );
  const confusion = counts.map((r) => ({ actual: String(r.actual), predicted: String(r.predicted), count: Number(r.n) }));
  return { task: "classification", metrics, importance, confusion };
}
