"use client";
// Add a cell at the end of the notebook.

export function AddCellBar({ onAdd }: { onAdd: (kind: "sql" | "chart" | "prose") => void }) {
  return (
    <div className="nb-addbar" aria-label="Add a cell">
      <button type="button" className="nb-button" onClick={() => onAdd("sql")}>
        + SQL
      </button>
      <button type="button" className="nb-button" onClick={() => onAdd("chart")}>
        + Chart
      </button>
      <button type="button" className="nb-button" onClick={() => onAdd("prose")}>
        + Text
      </button>
    </div>
  );
}
