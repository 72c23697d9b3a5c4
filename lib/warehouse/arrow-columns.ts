// Reads an Arrow IPC stream into column specs and column-wise JS values, so that every
// adapter can load Arrow through the same path as `loadRows`.
import { DataType, tableFromIPC, type Field, type RecordBatch } from "apache-arrow";
import { assertNever } from "./errors";
import { toJsonText, type LoadValue } from "./values";
import type { ColumnSpec, LogicalType } from "./types";

export class UnsupportedArrowTypeError extends Error {
  constructor(field: Field) {
    super(`column "${field.name}" has Arrow type ${String(field.type)}, which cannot be loaded`);
    this.name = "UnsupportedArrowTypeError";
  }
}

export interface ArrowColumns {
  columns: ColumnSpec[];
  /** One entry per record batch: the values of each column, in `columns` order. */
  batches: LoadValue[][][];
}

export function readArrowColumns(ipc: Uint8Array): ArrowColumns {
  const table = tableFromIPC(ipc);
  const fields = table.schema.fields;
  const columns = fields.map((field) => ({ name: field.name, type: logicalTypeOf(field) }));
  const batches = table.batches.map((batch) => columns.map((column, index) => columnValues(batch, index, column.type)));
  return { columns, batches };
}

/** Maps an Arrow type onto the logical types every adapter can create. */
export function logicalTypeOf(field: Field): LogicalType {
  const type: unknown = field.type;
  if (DataType.isInt(type)) return "BIGINT";
  if (DataType.isFloat(type)) return "DOUBLE";
  if (DataType.isBool(type)) return "BOOLEAN";
  if (DataType.isUtf8(type) || DataType.isLargeUtf8(type) || DataType.isUtf8View(type) || DataType.isNull(type)) return "VARCHAR";
  if (DataType.isDictionary(type) && (DataType.isUtf8(type.dictionary) || DataType.isLargeUtf8(type.dictionary))) return "VARCHAR";
  if (DataType.isTimestamp(type)) return "TIMESTAMP";
  if (DataType.isDate(type)) return "DATE";
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type) || DataType.isStruct(type) || DataType.isMap(type)) {
    return "JSON";
  }
  throw new UnsupportedArrowTypeError(field);
}

function columnValues(batch: RecordBatch, index: number, type: LogicalType): LoadValue[] {
  const vector = batch.getChildAt(index);
  const values: LoadValue[] = new Array<LoadValue>(batch.numRows);
  for (let row = 0; row < batch.numRows; row++) values[row] = fromArrow(vector?.get(row), type);
  return values;
}

/** Arrow's getters give bigint for 64-bit ints, epoch milliseconds for dates and timestamps. */
function fromArrow(value: unknown, type: LogicalType): LoadValue {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "BIGINT":
      return typeof value === "bigint" ? value : BigInt(Number(value));
    case "DOUBLE":
      return Number(value);
    case "BOOLEAN":
      return Boolean(value);
    case "VARCHAR":
      return String(value);
    case "TIMESTAMP":
    case "DATE":
      return value instanceof Date ? value : new Date(Number(value));
    case "JSON":
      return toJsonText(value);
    default:
      return assertNever(type);
  }
}
