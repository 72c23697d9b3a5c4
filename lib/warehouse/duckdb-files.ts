// Data files read by DuckDB's own readers, into a table of the warehouse: the extract's file
// sources load without a row passing through JavaScript (lib/extract/load/raw-table.ts).
// Only a DuckDB opened with a data directory may read, and only there (duckdb-lockdown.ts).
import { parseDuckdbStructType } from "./duckdb-struct-type";
import { assertNever } from "./errors";
import { duckdbCreatedRows } from "./metadata-sql";
import { quoteIdent, quoteLiteral, UNNESTED, type CreatedTable, type FileReader, type FileReadFormat, type KeyTextKind, type RawColumn, type Row } from "./types";

export interface DuckdbFileAccess {
  createTableAs(table: string, select: string): Promise<CreatedTable>;
  /** duckdb_columns()'s rows for a table (types as DuckDB spells them: a struct's field names keep their case). */
  describe(table: string): Promise<Row[]>;
  /** A table of the schema, as SQL names it. */
  qualify(table: string): string;
  /** Runs the statements in order, on one connection, with nothing between them; each one's rows. */
  queryAll(statements: readonly string[]): Promise<Row[][]>;
}

/**
 * read_json's options for records exactly as JSON.parse gives them: every record scanned for
 * its fields (the default samples the first 20,480 and drops fields it did not see), objects
 * kept as records (never a MAP, however many or rare their keys), records that are not
 * objects refused, and text left as text (the extract types it, lib/extract/load/raw-plan.ts).
 */
const JSON_OPTIONS = "records = 'true', sample_size = -1, map_inference_threshold = -1, field_appearance_threshold = 0, dateformat = 'not a date%Y', timestampformat = 'not a date%Y'";

/** DuckDB's rows per row group: its unit of parallel scans, and of optimistic writes. */
const DUCKDB_ROW_GROUP = 122_880;

export function duckdbFileReader(dataDir: string, spoolDir: string, access: DuckdbFileAccess): FileReader {
  return {
    dataDir,
    spoolDir,
    scanRows: DUCKDB_ROW_GROUP,
    load: async (table, files, format, options = {}) => {
      const computed = options.computed;
      const select = `SELECT *${computed === undefined ? "" : `, ${computed.sql} AS ${quoteIdent(computed.name)}`} FROM ${readerCall(format, files)}`;
      // The computed column comes last, after the reader's (a reader's column of its name would be renamed).
      const readerColumns = (described: readonly Row[]) => {
        const columns = described.map(rawColumn);
        if (computed !== undefined && columns.pop()?.name !== computed.name) throw new Error(`a column of ${files.toString()} is named "${computed.name}" too`);
        return columns;
      };
      const withComputed = computed === undefined ? {} : { computed };
      if ((format === "json" || format === "ndjson") && options.persistent !== true) {
        const [created = [], described = []] = await access.queryAll([
          `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS ${select}`,
          `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = ${quoteLiteral(table)} ORDER BY column_index`,
        ]);
        return { sql: tempTable(table), position: POSITION, rows: duckdbCreatedRows(created), columns: readerColumns(described), temporary: true, ...withComputed };
      }
      const created = await access.createTableAs(table, select);
      return { sql: access.qualify(table), position: POSITION, rows: created.rows, columns: readerColumns(await access.describe(table)), temporary: false, ...withComputed };
    },
    columns: async (files, format) => {
      const [described = []] = await access.queryAll([`DESCRIBE SELECT * FROM ${readerCall(format, files)}`]);
      return described.map((row) => rawColumn({ name: String(row.column_name), type: String(row.column_type) }));
    },
    unnest: async (table, from, list, carried) => {
      const carry = carried.map((column) => `${column.sql} AS ${quoteIdent(column.name)}`);
      const index = quoteIdent(UNNESTED.index);
      // A record whose list is empty or NULL keeps one row, its index NULL: every record starts
      // a run of rows (index NULL or 0) in the table's order, so an element's record is the count
      // of runs up to it, and no record's position is carried (numbering the files' read would
      // make it one thread's). Two unnests in one SELECT go side by side: each element with its
      // index, in the list's order.
      const some = `(CASE WHEN len(${list}) > 0 THEN ${list} END)`;
      const select = `SELECT ${[...carry, `unnest(coalesce(range(len(${some})), [NULL])) AS ${index}`, `unnest(coalesce(${some}, [NULL])) AS ${quoteIdent(UNNESTED.element)}`].join(", ")} FROM ${from.scan ?? from.sql}`;
      const [, described = [], [counted] = []] = await access.queryAll([
        `CREATE OR REPLACE TEMP TABLE ${quoteIdent(table)} AS ${select}`,
        `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'temp' AND table_name = ${quoteLiteral(table)} ORDER BY column_index`,
        `SELECT count(${index}) AS elements FROM ${tempTable(table)}`,
      ]);
      const starts = `(${index} IS NULL OR ${index} = 0)`;
      const position = quoteIdent(UNNESTED_POSITION);
      const withRecords = (name: string) =>
        `(SELECT * FROM (SELECT rowid AS ${position}, *, sum(CASE WHEN ${starts} THEN 1 ELSE 0 END) OVER (ORDER BY rowid ROWS UNBOUNDED PRECEDING) - 1 AS ${quoteIdent(name)} FROM ${tempTable(table)}) WHERE ${index} IS NOT NULL)`;
      return {
        sql: `(SELECT rowid AS ${position}, * FROM ${tempTable(table)} WHERE ${index} IS NOT NULL)`,
        position,
        rows: Number(counted?.elements ?? 0),
        columns: described.map(rawColumn),
        temporary: true,
        recordsOf: async (positions) => {
          const wanted = [...new Set(positions.map((at) => Math.trunc(at)))];
          if (wanted.length === 0) return new Map();
          const [rows = []] = await access.queryAll([
            `SELECT element, (SELECT count(*) FROM ${tempTable(table)} WHERE ${starts} AND rowid <= element) - 1 AS record FROM unnest([${wanted.join(", ")}]) AS wanted(element) ` +
              `WHERE element IN (SELECT rowid FROM ${tempTable(table)} WHERE ${index} IS NOT NULL)`,
          ]);
          return new Map(rows.map((row) => [Number(row.element), Number(row.record)]));
        },
        withRecords,
      };
    },
    relation: async (files, format, { rows, offset = 0, columns }) => {
      const read = columns ?? (await access.queryAll([`DESCRIBE SELECT * FROM ${readerCall(format, files)}`]))[0]?.map((row) => rawColumn({ name: String(row.column_name), type: String(row.column_type) }));
      if (read === undefined || read.some((column) => RELATION_TAKEN.has(column.name.toLowerCase()))) return null;
      // The columns named, so that no query over the relation reads the files for their types again.
      const typed = read.length === 0 ? "" : `, columns = {${read.map((column) => `${quoteLiteral(column.name)}: ${quoteLiteral(column.type)}`).join(", ")}}`;
      const call = `${readerCall(format, files).slice(0, -1)}${typed})`;
      const position = quoteIdent(RELATION_POSITION);
      return { sql: `(SELECT *, ordinality + ${offset - 1} AS ${position} FROM ${call} WITH ORDINALITY)`, scan: call, position, rows, columns: [...read], temporary: true };
    },
    release: async (table) => {
      await access.queryAll([`DROP TABLE IF EXISTS ${tempTable(table)}`]);
    },
    records: async (files, format, positions) => {
      if (positions.length === 0) return new Map();
      // A table made by CREATE TABLE AS keeps the reader's order; a window over the read may not.
      const objects = "__assetbook_json_objects";
      try {
        const [, rows = []] = await access.queryAll([
          // Read no further than the last record wanted (usually the first).
          `CREATE OR REPLACE TEMP TABLE ${objects} AS SELECT json FROM read_json_objects(${fileList(files)}, format = ${quoteLiteral(jsonLayout(format))}) LIMIT ${Math.trunc(Math.max(...positions)) + 1}`,
          `SELECT rowid AS position, CAST(json AS VARCHAR) AS json FROM ${objects} WHERE rowid IN (${positions.map((p) => String(Math.trunc(p))).join(", ")})`,
        ]);
        return new Map(rows.map((row) => [Number(row.position), String(row.json)]));
      } finally {
        await access.queryAll([`DROP TABLE IF EXISTS ${tempTable(objects)}`]);
      }
    },
    sql: {
      field: (e, name) => `struct_extract(${e}, ${quoteLiteral(name)})`,
      isWhole: (e) => `(${e} = trunc(${e}) AND abs(${e}) < 9223372036854775808)`,
      // Not abs(): it overflows on the smallest BIGINT.
      isSafeInteger: (e) => `(${e} BETWEEN -9007199254740991 AND 9007199254740991)`,
      isFinite: (e) => `isfinite(${e})`,
      isOrdinaryTime: (e) => `(isfinite(${e}) AND ${e} >= DATE '0001-01-01' AND ${e} < DATE '10000-01-01')`,
      matches: (e, pattern, caseSensitive = false) => `regexp_full_match(${e}, ${quoteLiteral(pattern)}${caseSensitive ? "" : ", 'i'"})`,
      textToDate: (e) => `TRY_CAST(${e} AS DATE)`,
      // CAST(text AS TIMESTAMP) drops an offset, and CAST(text AS TIMESTAMPTZ) reads text without
      // one in the session's zone: the instant of the one, the other as written.
      textToTimestamp: (e) =>
        `(CASE WHEN regexp_matches(${e}, '(Z|[+-]\\d\\d:\\d\\d)$') THEN make_timestamp(epoch_us(TRY_CAST(${e} AS TIMESTAMPTZ))) ELSE TRY_CAST(${e} AS TIMESTAMP) END)`,
      toMillis: (e) => `date_trunc('millisecond', ${e})`,
      keyText: KEY_TEXT,
      keyList: (list, item) => `('[' || array_to_string(list_transform(${list}, lambda __ab_item: coalesce(${item("__ab_item")}, 'null')), ',') || ']')`,
      md5: (e) => `md5(${e})`,
      bucket: (e, buckets) => `(hash(${e}) % ${buckets})`,
    },
  };
}

/** A duckdb_columns() row (or a struct's field) as a RawColumn, a struct's fields nested. */
function rawColumn(row: Row | { name: string; type: string }): RawColumn {
  const name = String("name" in row ? row.name : row.column_name);
  const type = String("type" in row ? row.type : row.data_type);
  // A list's type is its element's with `[]` after it (a fixed-size array's has its size).
  if (type.endsWith("[]")) return { name, type, element: rawColumn({ name: "", type: type.slice(0, -2) }) };
  const fields = parseDuckdbStructType(type);
  return fields === null ? { name, type } : { name, type, fields: fields.map(rawColumn) };
}

/**
 * row-key.ts's keyText in SQL. to_json writes text as JSON.stringify does but for `\u00XX`'s
 * capitals (which keyText writes too), and a double in String()'s shortest digits, with `.0`
 * on a whole one and no `+` in an exponent.
 */
const KEY_TEXT: Record<KeyTextKind, (e: string) => string> = {
  text: (e) => `(CASE WHEN ${e} IS NOT NULL THEN CAST(to_json(${e}) AS VARCHAR) END)`,
  integer: (e) => `CAST(${e} AS VARCHAR)`,
  double: (e) => {
    const x = `CAST(${e} AS DOUBLE)`;
    const json = `CAST(to_json(${x}) AS VARCHAR)`;
    // The common cases first, without a regular expression (which doubles the key's cost): a
    // whole number a double holds exactly, and a fraction String() writes without an exponent.
    return (
      `(CASE WHEN ${x} IS NULL THEN NULL WHEN isnan(${x}) THEN 'NaN' WHEN isinf(${x}) THEN (CASE WHEN ${x} > 0 THEN 'Infinity' ELSE '-Infinity' END) WHEN ${x} = 0 THEN '0' ` +
      // TRY_CAST: DuckDB may evaluate a branch for rows the WHEN does not take (inside concat_ws).
      `WHEN ${x} = trunc(${x}) AND abs(${x}) < 9007199254740992 THEN CAST(TRY_CAST(${x} AS BIGINT) AS VARCHAR) ` +
      `WHEN ${x} <> trunc(${x}) AND abs(${x}) >= 0.000001 THEN ${json} ` +
      `ELSE regexp_replace(regexp_replace(${json}, '\\.0$', ''), 'e([0-9])', 'e+\\1') END)`
    );
  },
  boolean: (e) => `(CASE WHEN ${e} THEN 'true' WHEN NOT ${e} THEN 'false' END)`,
  date: (e) => `('"' || CAST(${e} AS VARCHAR) || '"')`,
  timestamp: (e) => `('"' || replace(CAST(${e} AS VARCHAR), ' ', 'T') || '"')`,
};

const tempTable = (table: string) => `temp.main.${quoteIdent(table)}`;

/** A table made by CREATE TABLE AS keeps its rows in the order the reader gave them. */
const POSITION = "rowid";

/** An unnested element's position column: its row's in the temporary table (whose records' empty lists leave gaps). */
const UNNESTED_POSITION = "__ab_at";

/** A relation's position column: WITH ORDINALITY's, shifted to count from the relation's offset. */
const RELATION_POSITION = "__assetbook_position";
/** Field names a relation cannot carry beside its position (lower case). */
const RELATION_TAKEN = new Set(["ordinality", RELATION_POSITION]);

/** One file, or several read as one in their order. */
function fileList(files: string | readonly string[]): string {
  return typeof files === "string" ? quoteLiteral(files) : `[${files.map(quoteLiteral).join(", ")}]`;
}

function readerCall(format: FileReadFormat, files: string | readonly string[]): string {
  const list = fileList(files);
  switch (format) {
    case "csv":
      return `read_csv(${list})`;
    case "parquet":
      return `read_parquet(${list})`;
    case "json":
    case "ndjson":
      return `read_json(${list}, format = ${quoteLiteral(jsonLayout(format))}, ${JSON_OPTIONS})`;
    default:
      return assertNever(format);
  }
}

function jsonLayout(format: "json" | "ndjson"): string {
  // A .json file is read as an array of records (the page path refuses anything else without a data_path).
  return format === "ndjson" ? "newline_delimited" : "array";
}
