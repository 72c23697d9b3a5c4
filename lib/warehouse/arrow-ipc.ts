// Arrow IPC in both directions for adapters that talk Arrow (DuckDB-WASM) and for the
// server preview: result streams -> plain rows with the same value conventions as the
// duckdb-node adapter, and normalized column values -> an Arrow IPC stream.
import {
  Bool,
  DataType,
  DateDay,
  Field,
  Float64,
  Int64,
  makeBuilder,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  TimestampMillisecond,
  Utf8,
  Vector,
  type Data,
} from "apache-arrow";
import { assertNever } from "./errors";
import type { Column, ColumnSpec, LogicalType, Row } from "./types";
import { coerceValue, toPlainValue, type LoadValue } from "./values";

/**
 * Decodes an Arrow IPC stream or file into plain rows: integers as numbers when safe
 * (else bigint), TIMESTAMP and DATE as Date, DECIMAL as number (scale 0, e.g. HUGEINT
 * sums, as integers), lists as arrays and structs as objects, recursively.
 */
export function rowsFromArrowIpc(ipc: Uint8Array): Row[] {
  const table = tableFromIPC(ipc);
  const names = table.schema.fields.map((field) => field.name);
  const columns = names.map((_, index) => {
    const vector = table.getChildAt(index);
    return vector ? plainValues(vector) : new Array<unknown>(table.numRows).fill(null);
  });
  const rows: Row[] = new Array<Row>(table.numRows);
  for (let row = 0; row < table.numRows; row++) {
    const out: Row = {};
    // A repeated column name keeps the last value, as duckdb-node's row objects do.
    names.forEach((name, index) => (out[name] = columns[index]?.[row] ?? null));
    rows[row] = out;
  }
  return rows;
}

/** Every value of a vector as a plain JS value (see rowsFromArrowIpc). */
function plainValues(vector: Vector): unknown[] {
  const type: DataType = vector.type;
  const out = new Array<unknown>(vector.length);
  if (DataType.isStruct(type)) {
    const children = type.children.map((field, index) => {
      const child = vector.getChildAt(index);
      return { name: field.name, values: child ? plainValues(child) : [] };
    });
    for (let i = 0; i < vector.length; i++) {
      out[i] = vector.isValid(i) ? Object.fromEntries(children.map((child) => [child.name, child.values[i] ?? null])) : null;
    }
    return out;
  }
  const convert = converterFor(type);
  for (let i = 0; i < vector.length; i++) {
    const value: unknown = vector.get(i);
    out[i] = value === null || value === undefined ? null : convert(value);
  }
  return out;
}

function converterFor(type: DataType): (value: unknown) => unknown {
  if (DataType.isTimestamp(type) || DataType.isDate(type)) {
    // Arrow's getters give epoch milliseconds for both.
    return (value) => (value instanceof Date ? value : new Date(Number(value)));
  }
  if (DataType.isDecimal(type)) {
    const scale = type.scale;
    return (value) => {
      if (!(value instanceof Uint32Array)) return toPlainValue(value);
      const unscaled = decimalWords(value);
      return scale === 0 ? toPlainValue(unscaled) : Number(unscaled) / 10 ** scale;
    };
  }
  if (DataType.isList(type) || DataType.isLargeList(type) || DataType.isFixedSizeList(type)) {
    return (value) => (value instanceof Vector ? plainValues(value) : toPlainValue(value));
  }
  return toPlainValue;
}

/** A two's-complement little-endian integer in 32-bit words (Arrow's decimal storage). */
function decimalWords(words: Uint32Array): bigint {
  let result = 0n;
  for (let index = words.length - 1; index >= 0; index--) result = (result << 32n) | BigInt(words[index] ?? 0);
  const top = words[words.length - 1] ?? 0;
  return top & 0x80000000 ? result - (1n << BigInt(words.length * 32)) : result;
}

/** The Arrow type a logical type is shipped as. JSON travels as its text (Utf8). */
export function arrowTypeOf(type: LogicalType): DataType {
  switch (type) {
    case "BIGINT":
      return new Int64();
    case "DOUBLE":
      return new Float64();
    case "BOOLEAN":
      return new Bool();
    case "VARCHAR":
    case "JSON":
      return new Utf8();
    case "TIMESTAMP":
      return new TimestampMillisecond();
    case "DATE":
      return new DateDay();
    default:
      return assertNever(type);
  }
}

/**
 * Builds an Arrow IPC stream from column-wise values already normalized by
 * `coerceValue` (one array per spec, in spec order). Column order is kept as given.
 */
export function arrowIpcFromColumns(specs: readonly ColumnSpec[], columns: readonly LoadValue[][]): Uint8Array {
  const length = columns[0]?.length ?? 0;
  const fields: Field[] = [];
  const children: Data[] = [];
  specs.forEach((spec, index) => {
    const vector = vectorOf(spec.type, columns[index] ?? new Array<LoadValue>(length).fill(null));
    fields.push(new Field(spec.name, vector.type, true));
    children.push(vector.data[0] ?? makeData({ type: vector.type, length: 0 }));
  });
  const schema = new Schema(fields);
  const data = makeData({ type: new Struct(fields), length, nullCount: 0, children });
  return tableToIPC(new Table(schema, [new RecordBatch(schema, data)]), "stream");
}

/**
 * A single-chunk vector. Not vectorFromArray: its builders test values against their null
 * list with a function made by `new Function`, which the page's CSP (no 'unsafe-eval')
 * refuses. Here the null test is a plain function.
 */
function vectorFrom<T extends DataType>(type: T, values: readonly (T["TValue"] | null)[]): Vector<T> {
  const builder = makeBuilder<T, null>({ type, nullValues: [] });
  builder.isValid = (value) => value !== null && value !== undefined;
  for (const value of values) builder.append(value);
  return builder.finish().toVector();
}

/** One vector per column. */
function vectorOf(type: LogicalType, values: readonly LoadValue[]): Vector {
  switch (type) {
    case "BIGINT":
      return vectorFrom(new Int64(), values.map((v) => (typeof v === "bigint" ? v : null)));
    case "DOUBLE":
      return vectorFrom(new Float64(), values.map((v) => (typeof v === "number" ? v : null)));
    case "BOOLEAN":
      return vectorFrom(new Bool(), values.map((v) => (typeof v === "boolean" ? v : null)));
    case "VARCHAR":
    case "JSON":
      return vectorFrom(new Utf8(), values.map((v) => (typeof v === "string" ? v : null)));
    case "TIMESTAMP":
      return vectorFrom(new TimestampMillisecond(), values.map((v) => (v instanceof Date ? v.getTime() : null)));
    case "DATE":
      return vectorFrom(new DateDay(), values.map((v) => (v instanceof Date ? v.getTime() : null)));
    default:
      return assertNever(type);
  }
}

/**
 * The logical type a described column is shipped as. JSON goes as VARCHAR: queries
 * already return it as JSON text, which must not be encoded a second time.
 */
export function shippingTypeOf(columnType: string): LogicalType {
  const type = columnType.toUpperCase();
  if (/^(BIGINT|INTEGER|INT\d*|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)$/.test(type)) return "BIGINT";
  if (/^(DOUBLE|FLOAT|REAL|DECIMAL.*|NUMERIC.*)$/.test(type)) return "DOUBLE";
  if (type === "BOOLEAN") return "BOOLEAN";
  if (type === "DATE") return "DATE";
  if (type.startsWith("TIMESTAMP")) return "TIMESTAMP";
  return "VARCHAR";
}

/** Query rows (as `Warehouse.query` returns them) as an Arrow IPC stream with `columns`' types. */
export function arrowIpcFromRows(columns: readonly Column[], rows: readonly Row[]): Uint8Array {
  const specs: ColumnSpec[] = columns.map((column) => ({ name: column.name, type: shippingTypeOf(column.type) }));
  const values = specs.map((spec) => rows.map((row) => coerceValue(row[spec.name], spec.type, spec.name)));
  return arrowIpcFromColumns(specs, values);
}
