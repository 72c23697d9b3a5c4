// One asset cell's callbacks (header actions, editor keys, edits), made once per cell: each
// reads the page's latest state when it is called, never the render it was made in, so the
// cell can skip re-rendering while other cells are typed into.
import { changeKind, deleteCell, moveCell, updateCell, type AssetDraft, type NotebookDraft } from "@/lib/workspace/draft";
import type { CellKeys } from "./CellEditor";
import type { CellActions } from "./CellHeader";

/** What the callbacks need of the page, as of now. */
export interface PageState {
  draft: NotebookDraft;
  run: (name: string) => void;
  go: (id: string, delta: -1 | 1) => void;
  neighbour: (id: string, delta: -1 | 1) => string | undefined;
  addBelow: (afterId: string | null, kind: "sql" | "chart" | "prose") => void;
  focusCell: (id: string) => void;
  edit: (change: (d: NotebookDraft) => NotebookDraft) => void;
}

export interface CellHandlers {
  actions: CellActions;
  keys: CellKeys;
  onBody: (body: string) => void;
  onFocus: () => void;
}

export function makeCellHandlers(id: string, page: () => PageState, setFocused: (id: string) => void): CellHandlers {
  const assetCells = () => page().draft.cells.filter((c): c is AssetDraft => c.type === "asset");
  const name = () => assetCells().find((c) => c.id === id)?.name;
  const run = () => {
    const current = name();
    if (current !== undefined) page().run(current);
  };
  const edit = (change: (d: NotebookDraft) => NotebookDraft) => page().edit(change);
  const addBelow = () => page().addBelow(id, "sql");
  return {
    onBody: (body) => edit((d) => updateCell(d, id, { body })),
    onFocus: () => setFocused(id),
    actions: {
      run,
      moveUp: () => edit((d) => moveCell(d, id, -1)),
      moveDown: () => edit((d) => moveCell(d, id, 1)),
      remove: () => edit((d) => deleteCell(d, id)),
      addBelow,
      rename: (next) => edit((d) => updateCell(d, id, { name: next })),
      changeKind: (kind) => {
        // A new chart reads the asset cell above it.
        const cells = assetCells();
        const above = cells[cells.findIndex((c) => c.id === id) - 1]?.name;
        edit((d) => changeKind(d, id, kind, above));
      },
    },
    keys: {
      run,
      runAndNext: () => {
        run();
        const next = page().neighbour(id, 1);
        if (next) page().focusCell(next);
        else addBelow();
      },
      addBelow,
      previous: () => page().go(id, -1),
      next: () => page().go(id, 1),
    },
  };
}
