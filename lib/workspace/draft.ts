// The editing model of the notebook page: the file's blocks as written (front matter,
// prose, fenced asset cells), so a cell whose config is invalid is still edited and
// saved rather than dropped. Every edit yields a new draft; its text is canonical.
import { fenceFor } from "../notebook/serialize";
import { formatNotebook } from "../notebook";
import { sizeIssue } from "../notebook/limits";
import { scanNotebook } from "../notebook/scan";
import { CELL_KINDS, type CellKind, type NotebookIssue } from "../notebook/types";

export interface ProseDraft {
  id: string;
  type: "prose";
  text: string;
}

export interface AssetDraft {
  id: string;
  type: "asset";
  kind: CellKind;
  name: string;
  infoRest: string;
  body: string;
}

export type DraftCell = ProseDraft | AssetDraft;

export interface NotebookDraft {
  frontMatterText: string;
  cells: DraftCell[];
}

export type DraftResult = { ok: true; draft: NotebookDraft } | { ok: false; issues: NotebookIssue[] };

export function isCellKind(value: string): value is CellKind {
  return CELL_KINDS.some((kind) => kind === value);
}

/** Reads a notebook's text into a draft; `newId` names each cell for the UI. */
export function draftFromText(text: string, file: string, newId: () => string): DraftResult {
  // Too large to edit (or save): the page says so rather than render megabytes of cells.
  const tooLarge = sizeIssue(text);
  if (tooLarge) return { ok: false, issues: [{ file, ...tooLarge }] };
  const scan = scanNotebook(text);
  if (scan.unclosed) return { ok: false, issues: scan.issues.map((issue) => ({ file, ...issue })) };
  const cells = scan.blocks.map((block): DraftCell =>
    block.type === "prose"
      ? { id: newId(), type: "prose", text: block.text }
      : { id: newId(), type: "asset", kind: block.kind, name: block.name, infoRest: block.infoRest, body: block.body },
  );
  return { ok: true, draft: { frontMatterText: scan.frontMatter?.text ?? "", cells } };
}

function renderRaw(draft: NotebookDraft): string {
  const parts: string[] = [];
  if (draft.frontMatterText.trim() !== "") parts.push(`---\n${draft.frontMatterText.replace(/\n+$/, "")}\n---`);
  for (const cell of draft.cells) {
    if (cell.type === "prose") {
      parts.push(cell.text);
      continue;
    }
    const fence = fenceFor(cell.body);
    const info = [cell.kind, cell.name, cell.infoRest.trim()].filter((word) => word !== "").join(" ");
    parts.push(`${fence}${info}\n${cell.body.replace(/\n+$/, "")}${cell.body.trim() === "" ? "" : "\n"}${fence}`);
  }
  return `${parts.join("\n\n")}\n`;
}

/** The canonical text of a draft (what is saved and what the reactive session runs). */
export function draftToText(draft: NotebookDraft, file: string): string {
  const raw = renderRaw(draft);
  const formatted = formatNotebook(raw, file);
  return formatted.ok ? formatted.text : raw;
}

/** 1-based file line of the first body line of each asset cell of a draft, by cell id. */
export function bodyLines(draft: NotebookDraft, text: string): Map<string, number> {
  const fences = scanNotebook(text).blocks.filter((block) => block.type === "fence");
  const assets = draft.cells.filter((cell): cell is AssetDraft => cell.type === "asset");
  const lines = new Map<string, number>();
  if (fences.length !== assets.length) return lines;
  assets.forEach((cell, index) => {
    const fence = fences[index];
    if (fence && fence.name === cell.name) lines.set(cell.id, fence.bodyLine);
  });
  return lines;
}

/** The editor line (1-based) of a file line inside a cell body whose leading blank lines the canonical text dropped. */
export function editorLine(fileLine: number, bodyLine: number, body: string): number {
  const leadingBlank = /^(?:[ \t]*\n)*/.exec(body)?.[0].split("\n").length ?? 1;
  return Math.max(1, fileLine - bodyLine + leadingBlank);
}

// ---- edits ----

export function updateCell(draft: NotebookDraft, id: string, patch: Partial<Omit<AssetDraft, "id" | "type">> & { text?: string }): NotebookDraft {
  return {
    ...draft,
    cells: draft.cells.map((cell) => {
      if (cell.id !== id) return cell;
      if (cell.type === "prose") return patch.text === undefined ? cell : { ...cell, text: patch.text };
      return {
        ...cell,
        kind: patch.kind ?? cell.kind,
        name: patch.name ?? cell.name,
        infoRest: patch.infoRest ?? cell.infoRest,
        body: patch.body ?? cell.body,
      };
    }),
  };
}

export function moveCell(draft: NotebookDraft, id: string, delta: -1 | 1): NotebookDraft {
  const from = draft.cells.findIndex((cell) => cell.id === id);
  const to = from + delta;
  if (from < 0 || to < 0 || to >= draft.cells.length) return draft;
  const cells = [...draft.cells];
  const [moved] = cells.splice(from, 1);
  if (moved) cells.splice(to, 0, moved);
  return { ...draft, cells };
}

export function deleteCell(draft: NotebookDraft, id: string): NotebookDraft {
  return { ...draft, cells: draft.cells.filter((cell) => cell.id !== id) };
}

/** Inserts `cell` after the cell `afterId` (at the end when it is not found, at the start when null). */
export function insertCell(draft: NotebookDraft, afterId: string | null, cell: DraftCell): NotebookDraft {
  const cells = [...draft.cells];
  const at = afterId === null ? 0 : cells.findIndex((c) => c.id === afterId) + 1 || cells.length;
  cells.splice(at, 0, cell);
  return { ...draft, cells };
}

/** A name not used by any asset cell of the draft: `base`, `base_2`, ... */
export function uniqueName(draft: NotebookDraft, base: string): string {
  const taken = new Set(draft.cells.flatMap((cell) => (cell.type === "asset" ? [cell.name.toLowerCase()] : [])));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/** A starting body for a new cell of a kind, reading `from` when given. */
export function templateBody(kind: CellKind, from: string | undefined): string {
  switch (kind) {
    case "sql":
      return from ? `select *\nfrom ${from}` : "select 1 as x";
    case "chart":
      return `from: ${from ?? "my_table"}\nmark: bar\nx: x\ny: y`;
    case "ml":
      return `from: ${from ?? "my_table"}\ntarget: y\nfeatures: [x]\nmodel: linear`;
    case "extract":
      return "source: file\npath: data.csv";
    default: {
      const unreachable: never = kind;
      return unreachable;
    }
  }
}

/** Changes a cell's kind; an empty body, or one still equal to the old kind's template, gets the new template. */
export function changeKind(draft: NotebookDraft, id: string, kind: CellKind, from?: string): NotebookDraft {
  const cell = draft.cells.find((c) => c.id === id);
  if (!cell || cell.type !== "asset" || cell.kind === kind) return draft;
  const untouched = cell.body.trim() === "" || cell.body === templateBody(cell.kind, from);
  return updateCell(draft, id, { kind, body: untouched ? templateBody(kind, from) : cell.body });
}
