// A few rows of a production table, for the asset page: the DuckDB file opened
// read-only with no external access, and given up on (null) when it is absent,
// locked by a writer, or has no such table. When this process owns the warehouse (the
// embedded workers), the rows are read through that open warehouse instead. Bounded: each
// value is cut by the warehouse (an asset page once rendered 738 MB of one sample), and so
// are the columns shown and the sample as a whole.
import { access } from "node:fs/promises";
import { DuckDBInstance } from "@duckdb/node-api";
import type { WarehouseConfig } from "../config";
import { columnsFromDescribe, duckdbDescribeSql } from "./metadata-sql";
import { openPostgresWarehouse } from "./postgres";
import { quoteIdent, type Column, type Warehouse } from "./types";

/** Characters of one value shown. A longer one is cut in SQL, so a 100 MB cell is never read into the server; it ends in VALUE_CUT. */
export const SAMPLE_VALUE_CHARS = 200;
/** Columns shown; the others are counted in `hiddenColumns`. */
export const SAMPLE_COLUMNS = 50;
/** Characters of the whole sample: rows past it are left out (100 rows of 50 cut columns would be a megabyte). */
export const SAMPLE_TOTAL_CHARS = 120_000;
/** Ends a value that was cut. */
export const VALUE_CUT = "…";

export interface SampleRows {
  columns: string[];
  rows: string[][];
  /** Columns of the table past the first SAMPLE_COLUMNS, not shown. */
  hiddenColumns: number;
  /** Whether a value was cut or rows were left out to keep the sample small. */
  truncated: boolean;
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso.replace("T", " ").replace(/\.000Z$/, "Z");
  }
  if (typeof value === "object") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

// Types whose values print in a few dozen characters at most (DuckDB's and PostgreSQL's
// spellings, as information_schema gives them): read as they are, so numbers and times keep
// their formatting. Every other type (text, JSON, lists, structs, blobs, unbounded numerics)
// is read as text cut in SQL.
const BOUNDED_TYPE =
  /^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|REAL|DOUBLE|DOUBLE PRECISION|BOOLEAN|DATE|UUID|INTERVAL|TIME(STAMP)?(_S|_MS|_NS|TZ)?( WITH(OUT)? TIME ZONE)?|(DECIMAL|NUMERIC)\(\d+(, ?\d+)?\))$/;

/** One more character than is shown: a value that long was cut. */
const cutExpression = (column: Column) => {
  const name = quoteIdent(column.name);
  return BOUNDED_TYPE.test(column.type) ? name : `substr(cast(${name} as varchar), 1, ${SAMPLE_VALUE_CHARS + 1}) as ${name}`;
};

/** The sample's query: the shown columns, long values cut by the warehouse (the same SQL on DuckDB and PostgreSQL). */
function sampleSql(table: string, columns: readonly Column[], limit: number): string {
  return `select ${columns.map(cutExpression).join(", ")} from ${quoteIdent(table)} limit ${clampLimit(limit)}`;
}

const clampLimit = (limit: number) => Math.max(1, Math.min(100, Math.trunc(limit)));

/** What a sample is read through: a warehouse, or a read-only DuckDB file. Rows are values in the order of the query's columns. */
interface SampleSource {
  describe(table: string): Promise<Column[] | null>;
  rows(sql: string, columns: readonly Column[]): Promise<unknown[][]>;
}

async function sampleFrom(source: SampleSource, table: string, limit: number): Promise<SampleRows | null> {
  const columns = await source.describe(table);
  if (columns === null) return null;
  const shown = columns.slice(0, SAMPLE_COLUMNS);
  const sample: SampleRows = { columns: shown.map((c) => c.name), rows: [], hiddenColumns: columns.length - shown.length, truncated: false };
  let total = 0;
  for (const values of await source.rows(sampleSql(table, shown, limit), shown)) {
    const row = values.map((value) => {
      const text = cellText(value);
      if (text.length <= SAMPLE_VALUE_CHARS) return text;
      sample.truncated = true;
      return `${text.slice(0, SAMPLE_VALUE_CHARS)}${VALUE_CUT}`;
    });
    total += row.reduce((sum, text) => sum + text.length, 0);
    if (total > SAMPLE_TOTAL_CHARS) {
      sample.truncated = true;
      break;
    }
    sample.rows.push(row);
  }
  return sample;
}

export async function readSampleRows(file: string, table: string, limit = 10): Promise<SampleRows | null> {
  try {
    await access(file);
  } catch {
    return null;
  }
  let instance: DuckDBInstance | undefined;
  try {
    instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY", enable_external_access: "false", autoload_known_extensions: "false" });
    const connection = await instance.connect();
    try {
      return await sampleFrom(
        {
          describe: async (name) => columnsFromDescribe((await connection.runAndReadAll(duckdbDescribeSql("main", name))).getRowObjectsJS()),
          rows: async (sql) => (await connection.runAndReadAll(sql)).getRowsJS(),
        },
        table,
        limit,
      );
    } finally {
      connection.closeSync();
    }
  } catch {
    return null;
  } finally {
    instance?.closeSync();
  }
}

/** The same sample through a warehouse this process already holds (never a second open). */
export async function readSampleRowsFrom(warehouse: Warehouse, table: string, limit = 10): Promise<SampleRows | null> {
  try {
    return await sampleFrom(
      {
        describe: (name) => warehouse.describe(name),
        rows: async (sql, columns) => (await warehouse.query(sql)).map((row) => columns.map((c) => row[c.name])),
      },
      table,
      limit,
    );
  } catch {
    return null;
  }
}

/** The sample from the production warehouse a configuration names, when this process does not hold it open. */
export async function readProductionSample(config: WarehouseConfig, table: string, limit = 10): Promise<SampleRows | null> {
  switch (config.kind) {
    case "duckdb":
      return readSampleRows(config.path, table, limit);
    case "postgres": {
      const warehouse = await openPostgresWarehouse({ connectionString: config.url }).catch(() => null);
      if (warehouse === null) return null;
      try {
        return await readSampleRowsFrom(warehouse, table, limit);
      } finally {
        await warehouse.close();
      }
    }
    default: {
      const unreachable: never = config;
      throw new Error(`unknown warehouse ${JSON.stringify(unreachable)}`);
    }
  }
}
