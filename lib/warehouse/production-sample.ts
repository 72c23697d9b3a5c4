// A sample of one production table as Arrow IPC, for the editor: a notebook that declares
// `external: [orders]` runs in the browser on DuckDB-WASM, which never sees production, so
// the server reads the first rows of the table and the browser loads them under the same
// name (lib/extract/preview-load.ts). Only the workspace's assets are read (the caller says
// which names are assets: the catalog lives above this layer), only in production's own
// schema, never the lifecycle's (`_assetbook`, `_assetbook_v`, `env__*`), and never with
// SQL from the request: the one statement is built here from a quoted name.
import { abortable } from "./abortable";
import { arrowIpcFromRows } from "./arrow-ipc";
import { quoteIdent, type Column, type Warehouse } from "./types";

/** Rows sent when the caller does not say: enough for joins and aggregates to look real, small enough to load in a second. */
export const DEFAULT_PRODUCTION_SAMPLE_ROWS = 10_000;
/** The most rows a caller may ask for: the server holds them all as JS values while it encodes. */
export const MAX_PRODUCTION_SAMPLE_ROWS = 100_000;
/** The most bytes of Arrow IPC one sample answers; rows past it are left out (the sample says so). */
export const MAX_PRODUCTION_SAMPLE_BYTES = 32 * 1024 * 1024;

/** Response headers of the route that answers a sample: the rows sent, and whether production holds more. */
export const SAMPLE_ROWS_HEADER = "x-assetbook-rows";
export const SAMPLED_HEADER = "x-assetbook-sampled";

/** Schemas the lifecycle keeps its versions, environments and records in (lib/lifecycle/layout.ts, which sits above this layer). */
const INTERNAL_SCHEMAS = ["_assetbook", "_assetbook_v"];
const ENVIRONMENT_SCHEMA_PREFIX = "env__";
/** One part of a table name as a notebook writes it (lib/notebook's TABLE_NAME_PATTERN, one part). */
const NAME_PART = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function isInternalSchema(schema: string): boolean {
  const lower = schema.toLowerCase();
  return INTERNAL_SCHEMAS.includes(lower) || lower.startsWith(ENVIRONMENT_SCHEMA_PREFIX);
}

export interface ProductionSampleRequest {
  /** The table as the notebook names it: `orders`, or qualified with production's schema (`main.orders`). */
  table: string;
  /** Whether an unqualified name is an asset in the workspace's catalog (a cell's table, or a child table of one): production's, once a notebook was promoted. */
  isAsset: (name: string) => boolean | Promise<boolean>;
  /** At most this many rows (default DEFAULT_PRODUCTION_SAMPLE_ROWS, clamped to 1..MAX_PRODUCTION_SAMPLE_ROWS). */
  rows?: number;
  /** At most this many bytes of Arrow IPC (default MAX_PRODUCTION_SAMPLE_BYTES). */
  maxBytes?: number;
  /** The request's signal: a client that goes away interrupts the query in flight. */
  signal?: AbortSignal;
}

export type ProductionSampleFailure = {
  ok: false;
  /**
   * invalid: not a table name; refused: an internal schema or another schema than production's;
   * unknown: not an asset of the workspace; not_materialized: an asset production has no table
   * for yet; too_large: not even one row fits in the byte limit; interrupted: the signal aborted.
   */
  reason: "invalid" | "refused" | "unknown" | "not_materialized" | "too_large" | "interrupted";
  /** The table as requested. */
  table: string;
  /** Names the table. */
  error: string;
};

export type ProductionSample = {
  ok: true;
  /** The unqualified name: the browser loads the sample under it. */
  table: string;
  columns: Column[];
  rows: number;
  /** Whether production holds more rows than were sent (the row or the byte limit cut it). */
  sampled: boolean;
  ipc: Uint8Array;
};

type Named = { ok: true; name: string } | ProductionSampleFailure;

/** The unqualified name a request may read, or why not: only production's own schema is ever named. */
export function productionTableName(table: string, productionSchema: string): Named {
  const parts = table.split(".");
  const fail = (reason: ProductionSampleFailure["reason"], error: string): ProductionSampleFailure => ({ ok: false, reason, table, error });
  if (parts.length > 3 || !parts.every((part) => NAME_PART.test(part))) return fail("invalid", `"${table}" is not a table name`);
  const [name] = parts.slice(-1);
  if (name === undefined) return fail("invalid", `"${table}" is not a table name`);
  if (parts.length === 1) return { ok: true, name };
  const schema = parts.at(-2) ?? "";
  if (isInternalSchema(schema)) {
    return fail("refused", `table "${table}" is in the lifecycle's internal schema "${schema}": only production's assets can be read`);
  }
  if (parts.length === 3 || schema.toLowerCase() !== productionSchema.toLowerCase()) {
    return fail("refused", `table "${table}" is not in production's schema "${productionSchema}": only the workspace's assets can be read from production`);
  }
  return { ok: true, name };
}

/**
 * The first rows of a production table as Arrow IPC (the same encoding as an extract's
 * preview). Takes the first `rows` rows, not a random sample: cheap on any table or view, on
 * DuckDB and PostgreSQL alike. Types travel as the extract preview ships them (integers as
 * BIGINT, decimals as DOUBLE, timestamps in UTC, nested values as JSON text).
 */
export async function sampleProductionTable(warehouse: Warehouse, request: ProductionSampleRequest): Promise<ProductionSample | ProductionSampleFailure> {
  const { table, signal } = request;
  const named = productionTableName(table, warehouse.schema);
  if (!named.ok) return named;
  const name = named.name;
  // Asked before the warehouse is: whether a table that is not an asset exists is not told.
  if (!(await request.isAsset(name))) {
    return { ok: false, reason: "unknown", table, error: `table "${table}" is not an asset in the workspace's catalog: only tables production's notebooks produce can be read (a notebook never promoted has none)` };
  }
  const live = signal === undefined ? warehouse : abortable(warehouse, signal);
  const limit = clamp(request.rows ?? DEFAULT_PRODUCTION_SAMPLE_ROWS, 1, MAX_PRODUCTION_SAMPLE_ROWS);
  const maxBytes = Math.max(1, request.maxBytes ?? MAX_PRODUCTION_SAMPLE_BYTES);
  try {
    const columns = await live.describe(name);
    if (columns === null) return { ok: false, reason: "not_materialized", table, error: `table "${table}" has not been materialized in production yet` };
    // Schema-qualified, so nothing on a search path can stand in for production's table; one more row than sent says whether there are more.
    const read = await live.query(`SELECT * FROM ${quoteIdent(warehouse.schema)}.${quoteIdent(name)} LIMIT ${limit + 1}`);
    let kept = Math.min(read.length, limit);
    let ipc = arrowIpcFromRows(columns, read.slice(0, kept));
    // Past the byte limit, fewer rows in proportion (and a little under, for the schema's own bytes) until it fits.
    while (ipc.byteLength > maxBytes && kept > 0) {
      kept = Math.min(kept - 1, Math.floor((kept * maxBytes * 0.9) / ipc.byteLength));
      ipc = arrowIpcFromRows(columns, read.slice(0, Math.max(kept, 0)));
    }
    if (kept <= 0 && read.length > 0) {
      return { ok: false, reason: "too_large", table, error: `table "${table}": one row is larger than the ${formatBytes(maxBytes)} a sample from production may hold` };
    }
    return { ok: true, table: name, columns, rows: kept, sampled: read.length > kept, ipc };
  } catch (error) {
    if (signal?.aborted) return { ok: false, reason: "interrupted", table, error: `reading table "${table}" from production was stopped: the request went away` };
    throw error;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.trunc(value)));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${bytes} bytes`;
}
