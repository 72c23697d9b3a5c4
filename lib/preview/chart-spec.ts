// A chart cell's keys (mark, x, y, color, size, facet, aggregate, ...) as a Vega-Lite spec,
// with field types chosen from the table's column types. Plain JSON, no Vega import.
import type { Column, Row } from "../warehouse/types";
import { columnKind } from "./column-kind";
import { isRecord } from "../guards";

export const CHART_MARKS = ["line", "bar", "point", "area", "arc", "tick", "rule", "text", "rect"] as const;
export type ChartMark = (typeof CHART_MARKS)[number];

/** A column name, or a Vega-Lite field definition (`{ field, type, aggregate, ... }`). */
export type Channel = string | Record<string, unknown>;

export const AGGREGATES = ["count", "sum", "mean", "average", "median", "min", "max", "distinct", "stdev", "variance"] as const;
export type Aggregate = (typeof AGGREGATES)[number];

const CHANNELS = [
  "x", "y", "x2", "y2", "color", "size", "shape", "opacity", "text", "theta", "radius", "order", "row", "column",
] as const;
type EncodingChannel = (typeof CHANNELS)[number];

export interface ChartConfig {
  mark: ChartMark;
  x?: Channel;
  y?: Channel;
  x2?: Channel;
  y2?: Channel;
  color?: Channel;
  size?: Channel;
  shape?: Channel;
  opacity?: Channel;
  text?: Channel;
  theta?: Channel;
  radius?: Channel;
  order?: Channel;
  row?: Channel;
  column?: Channel;
  /** A column to facet by (wrapped), or `{ row, column }`. */
  facet?: Channel;
  tooltip?: Channel | Channel[];
  detail?: Channel | Channel[];
  /** Aggregates the measure channel (y, or x when y is not quantitative, or theta for arcs) grouped by the others. */
  aggregate?: Aggregate;
  title?: string;
  width?: number;
  height?: number;
}

export type FieldType = "quantitative" | "temporal" | "nominal" | "ordinal";
export type FieldDef = Record<string, unknown>;

export interface VegaLiteSpec {
  title?: string;
  data: { name: string } | { values: Row[] };
  mark: { type: ChartMark; tooltip: boolean; point?: boolean };
  encoding: Partial<Record<EncodingChannel | "facet" | "tooltip" | "detail", FieldDef | FieldDef[]>>;
  width?: number | "container";
  height?: number;
  [key: string]: unknown;
}

export function isAggregate(value: unknown): value is Aggregate {
  return AGGREGATES.some((a) => a === value);
}

/** The Vega-Lite field type of a column's backend type. */
export function fieldType(type: string | undefined): FieldType {
  if (type === undefined) return "nominal";
  const kind = columnKind(type);
  switch (kind) {
    case "numeric":
      return "quantitative";
    case "temporal":
      return "temporal";
    case "boolean":
    case "text":
    case "complex":
      return "nominal";
  }
}

function lookup(columns: readonly Column[], name: string): Column | undefined {
  return columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
}

/** A channel as a Vega-Lite field definition with its type filled in. */
export function fieldDef(channel: Channel, columns: readonly Column[]): FieldDef {
  if (typeof channel === "string") {
    const column = lookup(columns, channel);
    return { field: column?.name ?? channel, type: fieldType(column?.type) };
  }
  const def: FieldDef = { ...channel };
  if (def.type === undefined) {
    const field = typeof def.field === "string" ? lookup(columns, def.field) : undefined;
    if (field) {
      def.field = field.name;
      def.type = isAggregate(def.aggregate) && def.aggregate !== "min" && def.aggregate !== "max" ? "quantitative" : fieldType(field.type);
    } else if (def.aggregate === "count") {
      def.type = "quantitative";
    } else if (typeof def.field === "string") {
      def.type = "nominal";
    }
  }
  return def;
}

/** Which channel a top-level `aggregate` applies to. */
function measureChannel(config: ChartConfig, encoding: VegaLiteSpec["encoding"]): "x" | "y" | "theta" | undefined {
  if (config.mark === "arc") return encoding.theta ? "theta" : undefined;
  const { x, y } = encoding;
  if (isRecord(y) && y.type === "quantitative") return "y";
  if (isRecord(x) && x.type === "quantitative") return "x";
  return y ? "y" : undefined;
}

const INTEGER = /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|INT1|INT2|INT4|INT8)$/i;

/**
 * Bars along an integer column (a weekday 0–6, a year) stand on bands, one per value: on a
 * quantitative axis they were hairlines on a −0.4…6.4 scale. Only where the cell did not
 * give the channel a type.
 */
function bandIntegers(config: ChartConfig, columns: readonly Column[], encoding: VegaLiteSpec["encoding"]): void {
  const untypedInteger = (channel: "x" | "y"): boolean => {
    const given = config[channel];
    const name = typeof given === "string" ? given : isRecord(given) && given.type === undefined && typeof given.field === "string" ? given.field : undefined;
    const column = name === undefined ? undefined : lookup(columns, name);
    return column !== undefined && INTEGER.test(column.type.trim());
  };
  // With two integer columns (a weekday and a count) x is the category: bars stand upright
  // unless the cell types its channels.
  for (const [band, measure] of [["x", "y"], ["y", "x"]] as const) {
    const def = encoding[band];
    const other = encoding[measure];
    // A bar's length: the other channel's numbers, or the count of rows when it has none.
    const length = isRecord(other) ? other.type === "quantitative" : band === "x" && other === undefined && config.aggregate === "count";
    if (!isRecord(def) || def.type !== "quantitative" || def.aggregate !== undefined || !length || !untypedInteger(band)) continue;
    encoding[band] = { ...def, type: "ordinal" };
  }
}

/** The Vega-Lite spec for a chart cell over a table with `columns`; data is the named dataset `table`. */
export function vegaLiteSpec(config: ChartConfig, columns: readonly Column[]): VegaLiteSpec {
  const encoding: VegaLiteSpec["encoding"] = {};
  for (const channel of CHANNELS) {
    const value = config[channel];
    if (value === undefined) continue;
    const def = fieldDef(value, columns);
    // Warehouse timestamps are UTC: show them as such, whatever the viewer's time zone.
    if ((channel === "x" || channel === "y") && typeof value === "string" && def.type === "temporal") def.scale = { type: "utc" };
    encoding[channel] = def;
  }
  for (const channel of ["tooltip", "detail"] as const) {
    const value = config[channel];
    if (value === undefined) continue;
    encoding[channel] = Array.isArray(value) ? value.map((v) => fieldDef(v, columns)) : fieldDef(value, columns);
  }

  let faceted = encoding.row !== undefined || encoding.column !== undefined;
  if (config.facet !== undefined) {
    const facet = config.facet;
    if (isRecord(facet) && facet.field === undefined && (facet.row !== undefined || facet.column !== undefined)) {
      for (const key of ["row", "column"] as const) {
        const value = facet[key];
        if (typeof value === "string" || isRecord(value)) encoding[key] = fieldDef(value, columns);
      }
    } else {
      encoding.facet = { columns: 3, ...fieldDef(facet, columns) };
    }
    faceted = true;
  }

  // Before the aggregate finds its measure: an integer category is not one.
  if (config.mark === "bar") bandIntegers(config, columns, encoding);

  if (config.aggregate !== undefined) {
    const target = measureChannel(config, encoding);
    const def = target ? encoding[target] : undefined;
    if (target && isRecord(def)) {
      encoding[target] =
        config.aggregate === "count"
          ? { aggregate: "count", type: "quantitative", ...(def.title === undefined ? {} : { title: def.title }) }
          : { ...def, aggregate: config.aggregate, type: "quantitative" };
    } else if (config.aggregate === "count") {
      encoding.y = { aggregate: "count", type: "quantitative" };
    }
  }

  const spec: VegaLiteSpec = {
    data: { name: "table" },
    mark: { type: config.mark, tooltip: true, ...(config.mark === "line" ? { point: false } : {}) },
    encoding,
  };
  if (config.title !== undefined) spec.title = config.title;
  if (config.width !== undefined) spec.width = config.width;
  else if (!faceted && config.mark !== "arc") spec.width = "container";
  else if (faceted) spec.width = 220;
  if (config.height !== undefined) spec.height = config.height;
  else spec.height = faceted ? 160 : 280;
  return spec;
}

/** Column types guessed from the values when the table's types are not at hand. */
export function inferColumns(rows: readonly Row[]): Column[] {
  const types = new Map<string, string | undefined>();
  for (const row of rows.slice(0, 200)) {
    for (const [key, value] of Object.entries(row)) {
      if (types.get(key) !== undefined) continue;
      types.set(key, valueType(value));
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? "VARCHAR" }));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function valueType(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return "TIMESTAMP";
  switch (typeof value) {
    case "number":
    case "bigint":
      return "DOUBLE";
    case "boolean":
      return "BOOLEAN";
    case "string":
      return ISO_DATE.test(value) ? "TIMESTAMP" : "VARCHAR";
    default:
      return "VARCHAR";
  }
}

/** Rows as Vega can read them: BigInt as Number, bytes as text; dates stay Dates. */
export function chartRows(rows: readonly Row[]): Row[] {
  return rows.map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      if (typeof value === "bigint") out[key] = Number(value);
      else if (value instanceof Uint8Array) out[key] = `<${value.length} bytes>`;
      else out[key] = value;
    }
    return out;
  });
}

/** The spec with its data inline. */
export function withRows(spec: VegaLiteSpec, rows: readonly Row[]): VegaLiteSpec {
  return { ...spec, data: { values: chartRows(rows) } };
}
