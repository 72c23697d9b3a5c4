"use client";
// An asset cell's header: kind (changeable), name (renamed inline), state, actions.
import { useState } from "react";
import type { CellStatus } from "@/lib/engine/reactive";
import { CELL_KINDS, type CellKind } from "@/lib/notebook/types";
import { isAssetName } from "@/lib/notebook/values";
import { isCellKind } from "@/lib/workspace/draft";
import { StateBadge } from "./StateBadge";

export interface CellActions {
  run: () => void;
  moveUp: () => void;
  moveDown: () => void;
  remove: () => void;
  addBelow: () => void;
  rename: (name: string) => void;
  changeKind: (kind: CellKind) => void;
}

interface Props {
  name: string;
  kind: CellKind;
  status: CellStatus | undefined;
  first: boolean;
  last: boolean;
  actions: CellActions;
}

function NameInput({ name, rename }: { name: string; rename: (name: string) => void }) {
  const [value, setValue] = useState(name);
  const [editing, setEditing] = useState(false);
  const shown = editing ? value : name;
  const valid = isAssetName(shown);
  const commit = () => {
    setEditing(false);
    if (valid && value !== name) rename(value);
  };
  return (
    <input
      className="nb-cell__name"
      aria-label="Asset name"
      aria-invalid={!valid}
      title={valid ? "Rename the asset" : "lowercase letters, digits and underscores, not starting with a digit"}
      value={shown}
      size={Math.max(4, shown.length)}
      spellCheck={false}
      onFocus={() => {
        setValue(name);
        setEditing(true);
      }}
      onChange={(e) => setValue(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") e.currentTarget.blur();
        if (e.key === "Escape") {
          setValue(name);
          setEditing(false);
        }
      }}
    />
  );
}

export function CellHeader({ name, kind, status, first, last, actions }: Props) {
  return (
    <div className="nb-cell__head">
      <select
        className="nb-kind"
        data-kind={kind}
        aria-label="Cell kind"
        value={kind}
        onChange={(e) => {
          if (isCellKind(e.target.value)) actions.changeKind(e.target.value);
        }}
      >
        {CELL_KINDS.map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
      <NameInput key={name} name={name} rename={actions.rename} />
      <StateBadge name={name} status={status} />
      <span className="nb-cell__actions">
        <button type="button" className="nb-icon nb-icon--run" onClick={actions.run} title="Run (Ctrl/⌘+Enter)" aria-label={`Run ${name}`}>
          ▶
        </button>
        <button type="button" className="nb-icon" onClick={actions.moveUp} disabled={first} title="Move up" aria-label={`Move ${name} up`}>
          ↑
        </button>
        <button type="button" className="nb-icon" onClick={actions.moveDown} disabled={last} title="Move down" aria-label={`Move ${name} down`}>
          ↓
        </button>
        <button type="button" className="nb-icon" onClick={actions.addBelow} title="Add a cell below (Alt+Enter)" aria-label={`Add a cell below ${name}`}>
          +
        </button>
        <button type="button" className="nb-icon nb-icon--danger" onClick={actions.remove} title="Delete the cell" aria-label={`Delete ${name}`}>
          ✕
        </button>
      </span>
    </div>
  );
}
