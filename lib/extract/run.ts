// One extract cell, end to end: read the stored cursor, fetch pages (REST) or read them
// (file), stream them through the loader into staging tables, check the staged root
// table, then swap data and cursor in together. Any failure leaves both as they were.
import { blockingFailures, describeFailure, runChecks, type CheckResult } from "../checks";
import { extractConfigSchema, type ExtractSpec } from "../notebook/schemas/extract";
import type { ExtractCell } from "../notebook/types";
import { quoteIdent, quoteLiteral, type Column, type Warehouse } from "../warehouse/types";
import { FileSourceError } from "./file/errors";
import type { FileSourceConfig } from "./file/read-file-pages";
import type { BudgetLease } from "./budget";
import type { SpoolPage } from "./rest-spool";
import type { ArrayScan } from "./normalize/json-scan";
import { fetchPages, parseRestRequestSpec, Redactor, secretValueOf, type SecretResolver } from "./http";
import type { OutboundPolicy } from "../outbound";
import { compareCursors, cursorValueAt, ExtractLoader, readCursor, startingCursor, type CursorValue, type ExtractLoadResult, type StagingScope, type TablePartition } from "./load";

export interface ExtractProgress {
  asset: string;
  pages: number;
  rows: number;
  elapsedMs: number;
}

export interface ExtractContext {
  /** Resolves `secret:NAME` (environment in the CLI, the workspace's secrets on the server). */
  resolveSecret: SecretResolver;
  /** The workspace data directory, for file sources. */
  dataDir?: string;
  /** Reads a file source as pages of records (Node only; the browser previews through the server). */
  readFilePages?: (dataDir: string, spec: FileSourceConfig) => AsyncIterable<readonly unknown[]>;
  onProgress?: (progress: ExtractProgress) => void;
  /** Preview: stop reading after the page that brings the row count to this many. */
  sampleRows?: number;
  signal?: AbortSignal;
  now?: () => number;
  /** A partitioned run: its rows are tagged and replace only that partition's (see ExtractLoadOptions). */
  partition?: TablePartition;
  /** Staging names of one attempt of a production run. */
  staging?: StagingScope;
  /** Which addresses REST sources may reach: the operator's ASSETBOOK_OUTBOUND_ALLOW (default: loopback allowed). */
  outbound?: OutboundPolicy;
  /** Cap on one REST response's body (default 64 MB). */
  maxResponseBytes?: number;
  /** The server's preview budget, when this is a preview. */
  budget?: BudgetLease;
  /**
   * Redacts every secret value this run resolves from its failure reason and its records.
   * A preview passes its own, so one redactor covers everything it answers; default: a new one.
   */
  redactor?: Redactor;
}

export type ExtractOutcome =
  /** `sampled`: a sample run (sampleRows) stopped at its cap, so the source may hold more. */
  | { ok: true; rows: number; columns: Column[]; checks: CheckResult[]; load: ExtractLoadResult; sampled: boolean; note?: string }
  | { ok: false; reason: string; checks: CheckResult[] };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Prefixes the cell (and the field, when the error knows it) unless already there. */
function withCell(cell: string, error: unknown): string {
  const text = message(error);
  if (text.startsWith(`cell "${cell}"`)) return text;
  const field = error instanceof FileSourceError ? `${error.field}: ` : "";
  return `cell "${cell}": ${field}${text}`;
}

/**
 * The pages of the source, without the records an incremental run has already loaded. A
 * source that cannot be asked for records after the cursor (a file, or a REST source with
 * no `param`) is read whole, and the records at or before the stored cursor (minus `lag`:
 * that window is read again, and a merge updates it by primary key) are dropped here.
 */
async function* pagesOf(cell: ExtractCell, spec: ExtractSpec, warehouse: Warehouse, ctx: ExtractContext, redactor: Redactor, scanPage?: ScanPage): AsyncGenerator<SourcePage> {
  const cursor = spec.incremental?.cursor;
  const after = await droppedUpTo(cell, spec, warehouse, ctx);
  if (cursor === undefined || after === undefined) {
    yield* sourcePages(cell, spec, warehouse, ctx, redactor, scanPage);
    return;
  }
  for await (const page of sourcePages(cell, spec, warehouse, ctx, redactor)) {
    const records = page.records.filter((record) => isAfter(cursorValueAt(record, cursor), after));
    // Not the body's bytes (they hold the records dropped); its text still tells whether any number would be lost written again.
    yield { count: records.length, records, text: page.text };
  }
}

/** The cursor up to which pagesOf drops records (undefined: it drops none). */
async function droppedUpTo(cell: ExtractCell, spec: ExtractSpec, warehouse: Warehouse, ctx: ExtractContext): Promise<CursorValue | undefined> {
  const incremental = spec.incremental;
  if (incremental === undefined || (spec.source === "rest" && incremental.param !== undefined)) return undefined;
  return startingCursor(await readCursor(warehouse, cell.name, ctx.partition?.key), { initial: incremental.initial, lag: incremental.lag });
}

/** A page of records as the spool takes it, with the body it came in (REST). */
type SourcePage = SpoolPage & { readonly text?: string };

/** Counts the records of the array at `at` in a page's bytes, and the rows they bring (ExtractLoader.scanPage). */
type ScanPage = (bytes: Uint8Array, at: number) => ArrayScan | null;

async function* mapPages(pages: AsyncIterable<SourcePage>, map: (page: SourcePage) => SourcePage): AsyncGenerator<SourcePage> {
  for await (const page of pages) yield map(page);
}

/** A record without a cursor value is kept: nothing says it was loaded before. */
function isAfter(value: CursorValue | undefined, after: CursorValue): boolean {
  return value === undefined || compareCursors(value, after) > 0;
}

async function* sourcePages(cell: ExtractCell, spec: ExtractSpec, warehouse: Warehouse, ctx: ExtractContext, redactor: Redactor, scanPage?: ScanPage): AsyncGenerator<SourcePage> {
  switch (spec.source) {
    case "rest": {
      const extraParams: Record<string, string | number> = {};
      const incremental = spec.incremental;
      if (incremental?.param !== undefined) {
        const from = startingCursor(await readCursor(warehouse, cell.name, ctx.partition?.key), {
          initial: incremental.initial,
          lag: incremental.lag,
          format: incremental.format,
        });
        if (from !== undefined) extraParams[incremental.param] = from;
      }
      // A sampled preview stops early, so it must not fetch a page ahead.
      const prefetch = ctx.sampleRows === undefined;
      const pages = fetchPages(parseRestRequestSpec(spec), {
        resolveSecret: ctx.resolveSecret,
        extraParams,
        signal: ctx.signal,
        prefetch,
        redactor,
        outbound: ctx.outbound,
        maxResponseBytes: ctx.maxResponseBytes,
        budget: ctx.budget,
        ...(scanPage === undefined ? {} : { scanRecords: scanPage }),
      });
      for await (const page of pages) {
        // Records and text stay unread until asked for: a counted page the spool keeps as bytes is never parsed.
        yield {
          count: page.count,
          get records() {
            return page.records;
          },
          get text() {
            return page.bodyText;
          },
          ...(page.recordBytes === undefined ? {} : { bytes: page.recordBytes }),
          ...(page.scan === undefined ? {} : { rows: page.scan.records + page.scan.childRows }),
        };
      }
      return;
    }
    case "file": {
      if (!ctx.dataDir || !ctx.readFilePages || spec.path === undefined) throw new Error("path: file sources need a data directory");
      for await (const records of ctx.readFilePages(ctx.dataDir, { path: spec.path, format: spec.format, data_path: spec.data_path })) yield { count: records.length, records };
      return;
    }
    default: {
      const unreachable: never = spec.source;
      throw new Error(`unknown source ${String(unreachable)}`);
    }
  }
}

export async function runExtract(warehouse: Warehouse, cell: ExtractCell, context: ExtractContext): Promise<ExtractOutcome> {
  // Every value resolved is known to the redactor before it can reach an error (Headers
  // once threw with a PEM key in its message), a log line or a record.
  const redactor = context.redactor ?? new Redactor();
  const resolveSecret: SecretResolver = (name) => {
    const found = context.resolveSecret(name);
    const value = secretValueOf(found);
    if (value !== undefined) redactor.add(value);
    return found;
  };
  const ctx: ExtractContext = { ...context, resolveSecret };
  const parsed = extractConfigSchema.safeParse(cell.config);
  if (!parsed.success) return { ok: false, reason: withCell(cell.name, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")), checks: [] };
  const spec = parsed.data;
  if (spec.source === "rest" && spec.base_url === undefined) {
    // A host that runs a cell gives it its workspace first (lib/notebook/apply-workspace.ts); this one did not.
    return { ok: false, reason: withCell(cell.name, `connection "${spec.connection ?? ""}" was not resolved: its workspace file was not read here`), checks: [] };
  }
  const now = ctx.now ?? (() => performance.now());
  const started = now();
  let loader: ExtractLoader | undefined;
  let checks: CheckResult[] = [];
  try {
    loader = await ExtractLoader.open(warehouse, {
      asset: cell.name,
      writeDisposition: spec.write_disposition,
      primaryKey: spec.primary_key,
      contract: spec.contract,
      maxDepth: spec.max_depth,
      cursorField: spec.incremental?.cursor,
      partition: ctx.partition,
      staging: ctx.staging,
    });
    let pages = 0;
    let rows = 0;
    let sampled = false;
    // A file the warehouse can read itself (CSV, Parquet, JSON) is loaded there, rows never passing
    // through JavaScript; a preview (a sample) and what only the page path does read pages.
    // Records an incremental run drops (pagesOf) are dropped page by page.
    const readsWhole = spec.source === "file" && (await droppedUpTo(cell, spec, warehouse, ctx)) === undefined;
    if (spec.source === "file" && !readsWhole && warehouse.files !== undefined && ctx.sampleRows === undefined) loader.pagesBecause("records at or before the stored cursor are dropped record by record");
    const inWarehouse =
      spec.source === "file" && readsWhole && spec.path !== undefined && ctx.dataDir !== undefined && ctx.sampleRows === undefined && warehouse.files !== undefined
        ? await (await import("./file/warehouse-read")).loadInWarehouse(warehouse, loader, ctx.dataDir, { path: spec.path, format: spec.format, data_path: spec.data_path }, cell.name)
        : false;
    if (inWarehouse) ctx.onProgress?.({ asset: cell.name, pages: 1, rows: loader.recordsLoaded, elapsedMs: now() - started });
    // A REST source's records are spooled and loaded by the warehouse's JSON reader, where it has one.
    const restBlocker = spec.source === "rest" && ctx.sampleRows === undefined && warehouse.files !== undefined ? loader.rawBlocker() : null;
    if (restBlocker !== null) loader.pagesBecause(restBlocker);
    const spoolReader = spec.source === "rest" && ctx.sampleRows === undefined && restBlocker === null ? warehouse.files : undefined;
    if (spoolReader !== undefined) {
      // A body a secret may be in is written again from its redacted records, not kept as it came.
      const spool = await import("./rest-spool");
      const scanPage: ScanPage = (bytes, at) => loader?.scanPage(bytes, at) ?? null;
      const redacted = mapPages(pagesOf(cell, spec, warehouse, ctx, redactor, scanPage), (page) =>
        page.bytes !== undefined && !redactor.mayRedactJson(page.bytes)
          ? page
          : { count: page.count, records: redactor.redactRecords(page.records), pageOnly: page.text === undefined || spool.mayLoseNumbers(page.text) },
      );
      await spool.loadThroughSpool(warehouse, spoolReader, loader, redacted, cell.name, (progress) =>
        ctx.onProgress?.({ asset: cell.name, ...progress, elapsedMs: now() - started }),
      );
    }
    for await (const { records: page } of inWarehouse || spoolReader !== undefined ? [] : pagesOf(cell, spec, warehouse, ctx, redactor)) {
      // A sample stops inside a page too: a 200,000-row page previews as its first rows.
      const wanted = ctx.sampleRows === undefined ? page : page.slice(0, Math.max(0, ctx.sampleRows - rows));
      // An API that echoes a key back (a `self` link with ?api_key=) must not store or show it.
      const records = redactor.redactRecords(wanted);
      await loader.loadPage(records);
      pages++;
      rows += records.length;
      ctx.onProgress?.({ asset: cell.name, pages, rows, elapsedMs: now() - started });
      // Leaving the loop closes the page source, so no further page is requested.
      if (ctx.sampleRows !== undefined && rows >= ctx.sampleRows) {
        sampled = true;
        break;
      }
    }
    const load = await loader.commit(async (swaps) => {
      const root = swaps.find((swap) => swap.target === cell.name);
      if (!root || cell.checks.length === 0) return undefined;
      checks = await runChecks(warehouse, root.staging, cell.checks);
      const blocking = blockingFailures(checks);
      return blocking.length > 0 ? blocking.map(describeFailure).join("; ") : undefined;
    });
    const columns = (await warehouse.describe(cell.name)) ?? [];
    // A run that brought nothing swaps nothing in: the table's rows are those it already had.
    const rootRows = load.tables.find((table) => table.name === cell.name)?.rows ?? (columns.length === 0 ? 0 : await tableRows(warehouse, cell.name, ctx.partition));
    // The run log says why rows went record by record where the warehouse could have read them.
    const note = load.staged.by === "pages" && load.staged.reason !== undefined ? redactor.redact(`loaded record by record: ${load.staged.reason}`) : undefined;
    return { ok: true, rows: rootRows, columns, checks, load, sampled, ...(note === undefined ? {} : { note }) };
  } catch (error) {
    await loader?.abort().catch(() => undefined);
    return { ok: false, reason: redactor.redact(withCell(cell.name, error)), checks };
  }
}

/** Rows of `table` (of the partition's, in a partitioned run). */
async function tableRows(warehouse: Warehouse, table: string, partition: ExtractContext["partition"]): Promise<number> {
  const where = partition === undefined ? "" : ` WHERE ${quoteIdent(partition.column)} = ${quoteLiteral(partition.key)}`;
  const [row] = await warehouse.query(`SELECT count(*) AS n FROM ${quoteIdent(table)}${where}`);
  return Number(row?.n ?? 0);
}
