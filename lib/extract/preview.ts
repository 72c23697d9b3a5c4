// An extract cell in preview: run on the server (which holds the secrets) into a
// throwaway warehouse with a sample limit, and hand back the root table as Arrow IPC.
// The browser loads it with loadPreviewIntoWarehouse (preview-load.ts).
import { parseNotebookIn } from "../notebook/apply-workspace";
import { emptyWorkspace, type Workspace } from "../notebook/workspace-file";
import { abortable } from "../warehouse/abortable";
import type { ExtractCell } from "../notebook/types";
import { arrowIpcFromRows } from "../warehouse/arrow-ipc";
import { quoteIdent, type Column, type Warehouse } from "../warehouse/types";
import type { ByteBudget } from "./budget";
import { Redactor, type SecretResolver } from "./http";
import { runExtract, type ExtractContext } from "./run";
import type { OutboundPolicy } from "../outbound";

export const DEFAULT_SAMPLE_ROWS = 1_000;
/** A preview reads at most this much of one response: enough for a sample, far from a server's memory. */
export const PREVIEW_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/**
 * Response bytes all previews of one server may hold at once (the route's ByteBudget). A
 * preview holds what it read until it ends; parsed and loaded, that is roughly ten times
 * as much memory, so this keeps concurrent previews well under a gigabyte.
 */
export const PREVIEW_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;

export interface PreviewRequest {
  /** The notebook's text (the file, or the editor's unsaved text) and its file name for messages. */
  text: string;
  file: string;
  cell: string;
  /** Opens a fresh, empty warehouse for this preview; it is closed afterwards. */
  openWarehouse: () => Promise<Warehouse>;
  resolveSecret: SecretResolver;
  /** Stop after the page that reaches this many rows (default 1,000). */
  sampleRows?: number;
  dataDir?: string;
  readFilePages?: ExtractContext["readFilePages"];
  signal?: AbortSignal;
  /** The cell as it runs (a partition's values filled in); throws an error naming the cell and the field. */
  prepare?: (cell: ExtractCell) => ExtractCell;
  /** Which addresses the extract may reach (the operator's ASSETBOOK_OUTBOUND_ALLOW). */
  outbound?: OutboundPolicy;
  /** The server-wide budget of response bytes across concurrent previews; past it, `busy`. */
  budget?: ByteBudget;
  /** The workspace file's development values (a cell's connection and variables); default none. */
  workspace?: Workspace;
}

export type PreviewFailure = {
  ok: false;
  /**
   * not_found: no such cell; invalid: the cell is not an extract or does not parse; failed:
   * the extract failed; busy: the server's preview budget was spent by other previews.
   */
  reason: "not_found" | "invalid" | "failed" | "busy";
  /** Prefixed with the cell name; secret values are redacted. */
  error: string;
};

/** `sampled`: the preview stopped at its cap (`sampleRows`); the source may hold more rows. */
export type PreviewResult = { ok: true; table: string; rows: number; columns: Column[]; ipc: Uint8Array; sampled: boolean; sampleRows: number } | PreviewFailure;

export async function previewExtract(request: PreviewRequest): Promise<PreviewResult> {
  const found = findExtractCell(request.text, request.file, request.cell, request.workspace ?? emptyWorkspace());
  if (!found.ok) return found;
  const cell = found.cell;
  // One redactor for the whole preview: runExtract feeds it every value it resolves.
  const redactor = new Redactor();
  const lease = request.budget?.lease();
  const fail = (error: unknown): PreviewFailure => {
    const text = error instanceof Error ? error.message : String(error);
    const prefixed = text.startsWith(`cell "${cell.name}"`) ? text : `cell "${cell.name}": ${text}`;
    return { ok: false, reason: lease?.refused ? "busy" : "failed", error: redactor.redact(prefixed) };
  };

  let warehouse: Warehouse | undefined;
  try {
    const prepared = request.prepare ? request.prepare(cell) : cell;
    warehouse = await request.openWarehouse();
    // A client that goes away interrupts the query in flight.
    const live = request.signal === undefined ? warehouse : abortable(warehouse, request.signal);
    const sampleRows = request.sampleRows ?? DEFAULT_SAMPLE_ROWS;
    const outcome = await runExtract(live, prepared, {
      resolveSecret: request.resolveSecret,
      sampleRows,
      dataDir: request.dataDir,
      readFilePages: request.readFilePages,
      signal: request.signal,
      redactor,
      outbound: request.outbound,
      maxResponseBytes: PREVIEW_MAX_RESPONSE_BYTES,
      budget: lease,
    });
    if (!outcome.ok) return fail(outcome.reason);
    const columns = (await live.describe(cell.name)) ?? [];
    const rows = await live.query(`SELECT * FROM ${quoteIdent(cell.name)}`);
    return { ok: true, table: cell.name, rows: rows.length, columns, ipc: arrowIpcFromRows(columns, rows), sampled: outcome.sampled, sampleRows };
  } catch (error) {
    return fail(error);
  } finally {
    await warehouse?.close().catch(() => undefined);
    lease?.release();
  }
}

type FoundCell = { ok: true; cell: ExtractCell } | PreviewFailure;

/** The extract cell named `name`; problems elsewhere in the notebook do not block its preview. */
function findExtractCell(text: string, file: string, name: string, workspace: Workspace): FoundCell {
  const parsed = parseNotebookIn(text, file, workspace);
  const issues = parsed.ok ? [] : parsed.issues;
  const cell = parsed.notebook?.cells.find((c) => c.type === "asset" && c.name === name);
  const own = issues.filter((issue) => issue.cell === name);
  if (own.length > 0) {
    return { ok: false, reason: "invalid", error: `cell "${name}": ${own.map((issue) => `line ${issue.line}: ${issue.message}`).join("; ")}` };
  }
  if (!cell || cell.type !== "asset") {
    if (!parsed.notebook) return { ok: false, reason: "invalid", error: `${file}: ${issues.map((issue) => issue.message).join("; ")}` };
    return { ok: false, reason: "not_found", error: `cell "${name}" not found in ${file}` };
  }
  if (cell.kind !== "extract") return { ok: false, reason: "invalid", error: `cell "${name}" is a ${cell.kind} cell, not an extract` };
  return { ok: true, cell };
}
