// An ml cell `m` becomes four tables, swapped in together: `m` (the model as JSON),
// `m__metrics`, `m__predictions` and `m__importance`. Training reads the `from` table
// through the Warehouse, so it is the same code in the CLI, the workers and the browser;
// where the training itself runs is the host's trainer (the server's: a worker thread).
import {
  columnsFromRows,
  MlInputError,
  mlTrainConfigSchema,
  trainInProcess,
  type MlColumns,
  type MlOutputs,
  type MlTrainConfig,
  type MlTrainer,
  type PredictionTable,
  type TrainControl,
} from "../ml";
import type { MlCell } from "../notebook/types";
import { quoteIdent, type ColumnSpec, type LogicalType, type Row, type Swap, type Warehouse } from "../warehouse/types";
import { stageTableFor } from "../extract/load/staging";
import type { MaterializeResult } from "./materialize";

export const ML_OUTPUTS = ["metrics", "predictions", "importance"] as const;

/** The table an ml cell reads, as columns. */
export async function readMlTable(warehouse: Warehouse, table: string): Promise<MlColumns> {
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

/** An ml cell's config, checked; or the failure that names the cell and the field. */
export function mlCellConfig(cell: MlCell): { ok: true; config: MlTrainConfig; predictOn: string | undefined } | { ok: false; failure: MaterializeResult } {
  const parsed = mlTrainConfigSchema.safeParse(cell.config);
  if (!parsed.success) return { ok: false, failure: mlFailure(cell.name, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")) };
  const predictOn = typeof cell.config.predict_on === "string" ? cell.config.predict_on : undefined;
  return { ok: true, config: parsed.data, predictOn };
}

export function mlFailure(cellName: string, reason: string): MaterializeResult {
  return { ok: false, reason: `cell "${cellName}": ${reason}`, checks: [] };
}

/** The failure for an MlInputError (names the field); anything else is rethrown. */
export function mlInputFailure(cellName: string, error: unknown): MaterializeResult {
  if (error instanceof MlInputError) return mlFailure(cellName, `${error.field}: ${error.message}`);
  throw error;
}

/** Writes `m`, `m__metrics`, `m__predictions` and `m__importance` in one swap: all four or none. */
export async function writeMlOutputs(warehouse: Warehouse, cellName: string, outputs: MlOutputs): Promise<MaterializeResult> {
  const tables: { table: string; specs: ColumnSpec[]; rows: Row[] }[] = [
    { table: cellName, specs: [{ name: "model", type: "JSON" }], rows: [{ model: outputs.model }] },
    {
      table: `${cellName}__metrics`,
      specs: [{ name: "metric", type: "VARCHAR" }, { name: "split", type: "VARCHAR" }, { name: "value", type: "DOUBLE" }],
      rows: outputs.metrics.map((m) => ({ ...m })),
    },
    { table: `${cellName}__predictions`, ...predictionRows(outputs.predictions) },
    {
      table: `${cellName}__importance`,
      specs: [{ name: "feature", type: "VARCHAR" }, { name: "importance", type: "DOUBLE" }],
      rows: outputs.importance.map((r) => ({ ...r })),
    },
  ];
  const swaps: Swap[] = [];
  try {
    for (const output of tables) {
      const staging = stageTableFor(output.table);
      await warehouse.drop(staging);
      await warehouse.loadRows(staging, output.specs, output.rows);
      swaps.push({ staging, target: output.table });
    }
    await warehouse.swap(swaps);
  } catch (error) {
    for (const { staging } of swaps) await warehouse.drop(staging).catch(() => undefined);
    throw error;
  }
  const columns = (await warehouse.describe(`${cellName}__metrics`)) ?? [];
  return { ok: true, rows: outputs.predictions.data[outputs.predictions.columns[0] ?? ""]?.length ?? 0, columns, checks: [] };
}

/** `trainer`: where the training runs (default here, on the caller's thread). */
export async function materializeMl(warehouse: Warehouse, cell: MlCell, control: TrainControl = {}, trainer: MlTrainer = trainInProcess): Promise<MaterializeResult> {
  const checked = mlCellConfig(cell);
  if (!checked.ok) return checked.failure;
  let outputs: MlOutputs;
  try {
    const table = await readMlTable(warehouse, cell.config.from);
    const predictOn = checked.predictOn ? await readMlTable(warehouse, checked.predictOn) : undefined;
    outputs = await trainer({ config: checked.config, table, predictOn }, control);
  } catch (error) {
    return mlInputFailure(cell.name, error);
  }
  return writeMlOutputs(warehouse, cell.name, outputs);
}
