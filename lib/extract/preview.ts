// An extract cell in preview: run on the server (which holds the secrets) into a
// throwaway warehouse with a sample limit, and hand back the root table as Arrow IPC.
// The browser loads it with loadPreviewIntoWarehouse (preview-load.ts).
import { parseNotebook } from "../notebook";
import type { ExtractCell } from "../notebook/types";
import { arrowIpcFromRows } from "../warehouse/arrow-ipc";
import { quoteIdent, type Column, type Warehouse } from "../warehouse/types";
import { Redactor, secretValueOf, type SecretResolver } from "./http";
import { runExtract, type ExtractContext } from "./run";

export const DEFAULT_SAMPLE_ROWS = 1_000;

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
}

export type PreviewFailure = {
  ok: false;
  /** not_found: no such cell; invalid: the cell is not an extract or does not parse; failed: the extract failed. */
  reason: "not_found" | "invalid" | "failed";
  /** Prefixed with the cell name; secret values are redacted. */
  error: string;
};

export type PreviewResult = { ok: true; table: string; rows: number; columns: Column[]; ipc: Uint8Array } | PreviewFailure;

export async function previewExtract(request: PreviewRequest): Promise<PreviewResult> {
  const found = findExtractCell(request.text, request.file, request.cell);
  if (!found.ok) return found;
  const cell = found.cell;
  const redactor = new Redactor();
  const resolveSecret: SecretResolver = (name) => {
    const found = request.resolveSecret(name);
    const value = secretValueOf(found);
    if (value !== undefined) redactor.add(value);
    return found;
  };
  const fail = (error: unknown): PreviewFailure => {
    const text = error instanceof Error ? error.message : String(error);
    const prefixed = text.startsWith(`cell "${cell.name}"`) ? text : `cell "${cell.name}": ${text}`;
    return { ok: false, reason: "failed", error: redactor.redact(prefixed) };
  };

  let warehouse: Warehouse | undefined;
  try {
    const prepared = request.prepare ? request.prepare(cell) : cell;
    warehouse = await request.openWarehouse();
    const outcome = await runExtract(warehouse, prepared, {
      resolveSecret,
      sampleRows: request.sampleRows ?? DEFAULT_SAMPLE_ROWS,
      dataDir: request.dataDir,
      readFilePages: request.readFilePages,
      signal: request.signal,
    });
    if (!outcome.ok) return fail(outcome.reason);
    const columns = (await warehouse.describe(cell.name)) ?? [];
    const rows = await warehouse.query(`SELECT * FROM ${quoteIdent(cell.name)}`);
    return { ok: true, table: cell.name, rows: rows.length, columns, ipc: arrowIpcFromRows(columns, rows) };
  } catch (error) {
    return fail(error);
  } finally {
    await warehouse?.close().catch(() => undefined);
  }
}

type FoundCell = { ok: true; cell: ExtractCell } | PreviewFailure;

/** The extract cell named `name`; problems elsewhere in the notebook do not block its preview. */
function findExtractCell(text: string, file: string, name: string): FoundCell {
  const parsed = parseNotebook(text, file);
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
