// A notebook's change as a reviewer reads it, pure: asset cells matched by name (added,
// removed, moved, changed, unchanged, in the proposed order with removed ones where they
// were), the front matter as one cell, and the prose as one text diff.
import { diffArrays, diffLines } from "diff";
import { parseNotebook } from "../notebook/parse";
import type { Notebook } from "../notebook/types";

export type CellStatus = "added" | "removed" | "changed" | "moved" | "unchanged";

export interface ReviewCell {
  /** The comment anchor: an asset cell's name, or `front-matter`. */
  key: string;
  kind: string;
  status: CellStatus;
  /** The fence's info string (`sql daily key=…`), before and after; null where the cell is absent. */
  headerBefore: string | null;
  headerAfter: string | null;
  before: string | null;
  after: string | null;
  /** Whether the code (or the header) changed, apart from a move. */
  edited: boolean;
}

export interface ProseChange {
  kind: "added" | "removed" | "same";
  text: string;
}

export interface NotebookReview {
  slug: string;
  change: "added" | "removed" | "changed" | "unchanged";
  cells: ReviewCell[];
  /** The prose of the whole notebook, diffed by line; empty when no prose changed. */
  prose: ProseChange[];
  /** A text that does not parse is shown whole as one cell. */
  unparsed: boolean;
}

export const FRONT_MATTER_CELL = "front-matter";

interface CellText {
  key: string;
  kind: string;
  header: string;
  code: string;
}

function parts(text: string, slug: string): { cells: CellText[]; prose: string } | null {
  const parsed = parseNotebook(text, `${slug}.md`);
  const notebook: Notebook | undefined = parsed.ok ? parsed.notebook : parsed.notebook;
  if (notebook === undefined) return null;
  const cells: CellText[] = [];
  if (notebook.frontMatterText.trim() !== "") cells.push({ key: FRONT_MATTER_CELL, kind: "yaml", header: "front matter", code: notebook.frontMatterText });
  const prose: string[] = [];
  for (const cell of notebook.cells) {
    if (cell.type === "prose") prose.push(cell.text);
    else cells.push({ key: cell.name, kind: cell.kind, header: `${cell.kind} ${cell.name}${cell.infoRest ? ` ${cell.infoRest}` : ""}`, code: cell.body });
  }
  return { cells, prose: prose.join("\n\n") };
}

/** The cells whose relative order changed: those outside the longest common order of the cells both sides have. */
function movedKeys(before: readonly string[], after: readonly string[]): Set<string> {
  const common = new Set(before.filter((key) => after.includes(key)));
  const kept = new Set<string>();
  for (const part of diffArrays(before.filter((key) => common.has(key)), after.filter((key) => common.has(key)))) {
    if (!part.added && !part.removed) for (const key of part.value) kept.add(key);
  }
  return new Set([...common].filter((key) => !kept.has(key)));
}

function proseDiff(before: string, after: string): ProseChange[] {
  if (before === after) return [];
  return diffLines(before, after).map((part) => ({ kind: part.added ? "added" : part.removed ? "removed" : "same", text: part.value }));
}

/** `base`: production's text (null: not in production); `proposed`: the review's (null: deleted). */
export function reviewNotebook(slug: string, base: string | null, proposed: string | null): NotebookReview {
  const change = base === null ? (proposed === null ? "unchanged" : "added") : proposed === null ? "removed" : base === proposed ? "unchanged" : "changed";
  const before = base === null ? { cells: [], prose: "" } : parts(base, slug);
  const after = proposed === null ? { cells: [], prose: "" } : parts(proposed, slug);
  if (before === null || after === null) {
    const status: CellStatus = change === "unchanged" ? "unchanged" : change === "added" ? "added" : change === "removed" ? "removed" : "changed";
    return { slug, change, unparsed: true, prose: [], cells: [{ key: "notebook", kind: "markdown", status, headerBefore: base === null ? null : `${slug}.md`, headerAfter: proposed === null ? null : `${slug}.md`, before: base, after: proposed, edited: base !== proposed }] };
  }
  const beforeByKey = new Map(before.cells.map((cell) => [cell.key, cell]));
  const afterKeys = after.cells.map((cell) => cell.key);
  const moved = movedKeys(before.cells.map((cell) => cell.key), afterKeys);
  const cells: ReviewCell[] = after.cells.map((cell) => {
    const old = beforeByKey.get(cell.key);
    if (old === undefined) return { key: cell.key, kind: cell.kind, status: "added", headerBefore: null, headerAfter: cell.header, before: null, after: cell.code, edited: true };
    const edited = old.code !== cell.code || old.header !== cell.header;
    const status: CellStatus = edited ? "changed" : moved.has(cell.key) ? "moved" : "unchanged";
    return { key: cell.key, kind: cell.kind, status, headerBefore: old.header, headerAfter: cell.header, before: old.code, after: cell.code, edited };
  });
  // A removed cell is shown after the cell that preceded it in production.
  before.cells.forEach((cell, index) => {
    if (afterKeys.includes(cell.key)) return;
    const removed: ReviewCell = { key: cell.key, kind: cell.kind, status: "removed", headerBefore: cell.header, headerAfter: null, before: cell.code, after: null, edited: true };
    const previous = before.cells[index - 1]?.key;
    const at = previous === undefined ? -1 : cells.findIndex((candidate) => candidate.key === previous);
    cells.splice(at + 1, 0, removed);
  });
  return { slug, change, cells, prose: proseDiff(before.prose, after.prose), unparsed: false };
}

/** The code of one cell in a proposed text (null: no such cell), as the review shows it: what line comments count in. */
export function cellCode(slug: string, text: string | null, key: string): string | null {
  if (text === null) return null;
  const found = parts(text, slug);
  if (found === null) return key === "notebook" ? text : null;
  return found.cells.find((cell) => cell.key === key)?.code ?? null;
}
