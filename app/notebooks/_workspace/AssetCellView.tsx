"use client";
// An asset cell: header, Monaco editor, problems and preview.
import { memo } from "react";
import type { CellStatus } from "@/lib/engine/reactive";
import type { AssetCell } from "@/lib/notebook/types";
import type { AssetDraft } from "@/lib/workspace/draft";
import { markersOf, type CellProblem } from "@/lib/workspace/cell-markers";
import type { Warehouse } from "@/lib/warehouse/types";
import { CellEditor, type CellKeys } from "./CellEditor";
import { CellHeader, type CellActions } from "./CellHeader";
import { CellOutput } from "./CellOutput";

interface Props {
  cell: AssetDraft;
  parsed: AssetCell | undefined;
  status: CellStatus | undefined;
  problems: readonly CellProblem[];
  warehouse: Warehouse | undefined;
  first: boolean;
  last: boolean;
  focused: boolean;
  actions: CellActions;
  keys: CellKeys;
  onBody: (body: string) => void;
  onFocus: () => void;
  registerFocus: (focus: (() => void) | undefined) => void;
}

/**
 * Re-renders only when its data changes: the callbacks are stable per cell (cell-handlers.ts),
 * and the problems are compared by content (they are recomputed on every keystroke).
 */
export const AssetCellView = memo(AssetCellViewOf, (before, after) =>
  before.cell === after.cell &&
  before.parsed === after.parsed &&
  before.status === after.status &&
  before.warehouse === after.warehouse &&
  before.first === after.first &&
  before.last === after.last &&
  before.focused === after.focused &&
  before.actions === after.actions &&
  before.keys === after.keys &&
  before.onBody === after.onBody &&
  before.onFocus === after.onFocus &&
  before.registerFocus === after.registerFocus &&
  sameProblems(before.problems, after.problems),
);

function sameProblems(a: readonly CellProblem[], b: readonly CellProblem[]): boolean {
  return a === b || (a.length === b.length && JSON.stringify(a) === JSON.stringify(b));
}

function AssetCellViewOf({ cell, parsed, status, problems, warehouse, first, last, focused, actions, keys, onBody, onFocus, registerFocus }: Props) {
  return (
    <section
      className={focused ? "nb-cell nb-cell--focused" : "nb-cell"}
      data-cell-id={cell.id}
      data-testid={`cell-${cell.name}`}
      data-state={status?.state ?? "idle"}
      aria-label={`${cell.kind} cell ${cell.name}`}
    >
      <CellHeader name={cell.name} kind={cell.kind} status={status} first={first} last={last} actions={actions} />
      <CellEditor
        id={cell.id}
        name={cell.name}
        kind={cell.kind}
        value={cell.body}
        markers={markersOf(problems)}
        keys={keys}
        onChange={onBody}
        onFocus={onFocus}
        registerFocus={registerFocus}
      />
      <CellOutput name={cell.name} cell={parsed} status={status} problems={problems} warehouse={warehouse} />
    </section>
  );
}
