"use client";
// An asset cell: header, Monaco editor, problems and preview.
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

export function AssetCellView({ cell, parsed, status, problems, warehouse, first, last, focused, actions, keys, onBody, onFocus, registerFocus }: Props) {
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
