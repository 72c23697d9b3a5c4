// An ml cell `m` becomes four tables, swapped in together: `m` (the model as JSON),
// `m__metrics`, `m__predictions` and `m__importance`. Training reads the `from` table
// through the Warehouse, so it is the same code in the CLI, the workers and the browser.
import { columnsFromRows, MlInputError, mlTrainConfigSchema, modelToJson, train, type MlColumns, type TrainControl } from "../ml";
import type { PredictionTable } from "../ml";
import type { MlCell } from "../notebook/types";
import { quoteIdent, type ColumnSpec, type LogicalType, type Row, type Swap, type Warehouse } from "../warehouse/types";
import { stagingTableFor, type MaterializeResult } from "./materialize";

export const ML_OUTPUTS = ["metrics", "predictions", "importance"] as const;

async function readTable(warehouse: Warehouse, table: string): Promise<MlColumns> {
  return columnsFromRows(await warehouse.query(`SELECT * FROM ${quoteIdent(table)}`));
}

/** The narrowest logical type that holds every value of a column (nulls aside). */
function logicalTypeOf(values: ArrayLike<unknown>): LogicalType {
  let type: LogicalType | undefined;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) continue;
    const t: LogicalType =
      typeof v === "string" ? "VARCHAR"
      : typeof v === "boolean" ? "BOOLEAN"
      : v instanceof Date ? "TIMESTAMP"
      : typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v)) ? "BIGINT"
      : typeof v === "number" ? "DOUBLE"
      : "VARCHAR";
    if (type === undefined || type === t) type = t;
    else if ((type === "BIGINT" && t === "DOUBLE") || (type === "DOUBLE" && t === "BIGINT")) type = "DOUBLE";
    else type = "VARCHAR";
  }
  return type ?? "VARCHAR";
}

function predictionRows(table: PredictionTable): { specs: ColumnSpec[]; rows: Row[] } {
  const specs = table.columns.map((name): ColumnSpec => {
    const column = table.data[name] ?? [];
    const type = logicalTypeOf(column);
    // Scores are real numbers even when every one of them happens to be whole.
    const isScore = name === "predicted" || name.startsWith("p_");
    return { name, type: isScore && type === "BIGINT" ? "DOUBLE" : type };
  });
  const length = table.data[table.columns[0] ?? ""]?.length ?? 0;
  const rows: Row[] = [];
  for (let i = 0; i < length; i++) {
    const row: Row = {};
    for (const name of table.columns) row[name] = table.data[name]?.[i] ?? null;
    rows.push(row);
  }
  return { specs, rows };
}

export async function materializeMl(warehouse: Warehouse, cell: MlCell, control: TrainControl = {}): Promise<MaterializeResult> {
  const fail = (reason: string): MaterializeResult => ({ ok: false, reason: `cell "${cell.name}": ${reason}`, checks: [] });
  const parsed = mlTrainConfigSchema.safeParse(cell.config);
  if (!parsed.success) return fail(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const config = parsed.data;
  const predictOnName = typeof cell.config.predict_on === "string" ? cell.config.predict_on : undefined;
  let result: Awaited<ReturnType<typeof train>>;
  try {
    const table = await readTable(warehouse, cell.config.from);
    const predictOn = predictOnName ? await readTable(warehouse, predictOnName) : undefined;
    result = await train(config, table, { ...control, predictOn });
  } catch (error) {
    if (error instanceof MlInputError) return fail(`${error.field}: ${error.message}`);
    throw error;
  }
  const outputs: { table: string; specs: ColumnSpec[]; rows: Row[] }[] = [
    { table: cell.name, specs: [{ name: "model", type: "JSON" }], rows: [{ model: modelToJson(result.model) }] },
    {
      table: `${cell.name}__metrics`,
      specs: [{ name: "metric", type: "VARCHAR" }, { name: "split", type: "VARCHAR" }, { name: "value", type: "DOUBLE" }],
      rows: result.metrics.map((m) => ({ ...m })),
    },
    { table: `${cell.name}__predictions`, ...predictionRows(result.predictions) },
    {
      table: `${cell.name}__importance`,
      specs: [{ name: "feature", type: "VARCHAR" }, { name: "importance", type: "DOUBLE" }],
      rows: result.importance.map((r) => ({ ...r })),
    },
  ];
  const swaps: Swap[] = [];
  try {
    for (const output of outputs) {
      const staging = stagingTableFor(output.table);
      await warehouse.drop(staging);
      await warehouse.loadRows(staging, output.specs, output.rows);
      swaps.push({ staging, target: output.table });
    }
    await warehouse.swap(swaps);
  } catch (error) {
    for (const { staging } of swaps) await warehouse.drop(staging).catch(() => undefined);
    throw error;
  }
  const columns = (await warehouse.describe(`${cell.name}__metrics`)) ?? [];
  return { ok: true, rows: result.predictions.data[result.predictions.columns[0] ?? ""]?.length ?? 0, columns, checks: [] };
}
