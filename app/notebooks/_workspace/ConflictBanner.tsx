"use client";
// The file changed on disk since it was opened: the user chooses, explicitly.
import type { Conflict } from "./use-save";

export function ConflictBanner({ conflict, onReload, onOverwrite }: { conflict: Conflict; onReload: () => void; onOverwrite: () => void }) {
  return (
    <div className="nb-conflict" role="alert" data-testid="conflict-banner">
      <p>
        <strong>{conflict.currentText === null ? "This notebook was deleted on disk" : "This notebook changed on disk"}</strong> since you
        opened it. Your edits are not saved.
      </p>
      <div className="nb-conflict__actions">
        <button type="button" className="nb-button" onClick={onReload} disabled={conflict.currentText === null}>
          Reload theirs (discard mine)
        </button>
        <button type="button" className="nb-button nb-button--danger" onClick={onOverwrite}>
          Overwrite with mine
        </button>
      </div>
    </div>
  );
}
