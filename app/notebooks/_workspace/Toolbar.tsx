"use client";
// The notebook's top bar: title, file, the notebook's own controls (the partition), engine status, unsaved marker, save.
import type { ReactNode } from "react";
import type { BrowserWarehouse } from "./use-browser-warehouse";
import type { SaveStatus } from "./use-save";

interface Props {
  title: string;
  file: string;
  engine: BrowserWarehouse;
  dirty: boolean;
  status: SaveStatus;
  onSave: () => void;
  /** Controls of this notebook, before the engine status. */
  children?: ReactNode;
}

function engineLabel(engine: BrowserWarehouse): string {
  switch (engine.status) {
    case "loading":
      return "Starting DuckDB…";
    case "ready":
      return "DuckDB-WASM";
    case "failed":
      return `DuckDB failed: ${engine.error}`;
    default: {
      const unreachable: never = engine;
      return unreachable;
    }
  }
}

export function Toolbar({ title, file, engine, dirty, status, onSave, children }: Props) {
  return (
    <header className="nb-toolbar">
      <div className="nb-toolbar__title">
        <h1>{title}</h1>
        <code className="nb-toolbar__file">{file}</code>
      </div>
      <div className="nb-toolbar__actions">
        {children}
        <span className="nb-engine" data-status={engine.status} data-testid="engine-status">
          {engineLabel(engine)}
        </span>
        {status.state === "error" && (
          <span className="nb-save-error" role="alert">
            {status.message}
          </span>
        )}
        <span className="nb-dirty" data-testid="save-state" data-dirty={dirty}>
          {status.state === "saving" ? "Saving…" : dirty ? "● Unsaved" : "Saved"}
        </span>
        <button type="button" className="nb-button nb-button--primary" onClick={onSave} disabled={status.state === "saving"} title="Save (Ctrl/⌘+S)">
          Save
        </button>
      </div>
    </header>
  );
}
