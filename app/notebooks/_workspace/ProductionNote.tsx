"use client";
// Above the cells, the tables the notebook reads from production (its `external:` tables),
// so nobody mistakes a sample for the whole table: a discreet line for what loaded, and an
// alert naming each table that could not be (the cells that read it fail with the same reason).
import type { ExternalTableStatus } from "@/lib/engine/reactive";

const number = new Intl.NumberFormat("en-US");

function loadedText(status: ExternalTableStatus): string {
  switch (status.state) {
    case "loading":
      return "loading from production…";
    case "loaded":
      return status.sampled ? `${number.format(status.rows)}-row sample of production` : `all ${number.format(status.rows)} ${status.rows === 1 ? "row" : "rows"} of production`;
    case "failed":
      return "not loaded";
    default: {
      const unreachable: never = status;
      return unreachable;
    }
  }
}

export function ProductionNote({ externals }: { externals: readonly ExternalTableStatus[] }) {
  const shown = externals.filter((status) => status.state !== "failed");
  const failed = externals.flatMap((status) => (status.state === "failed" ? [status] : []));
  if (externals.length === 0) return null;
  return (
    <>
      {shown.length > 0 && (
        <p
          className="nb-externals"
          data-testid="production-tables"
          title="Tables another notebook produces are read from production, sampled; the editor never writes them back."
        >
          {shown.map((status) => (
            <span key={status.table} className="nb-externals__table" data-table={status.table} data-state={status.state}>
              <code>{status.table}</code>: {loadedText(status)}
            </span>
          ))}
        </p>
      )}
      {failed.length > 0 && (
        <div className="nb-problems" role="alert" data-testid="production-tables-failed">
          {failed.map((status) => (
            <p key={status.table} data-table={status.table}>
              <span className="nb-problems__where">{status.table}</span>
              <span className="nb-problems__message">could not be loaded from production: {status.error}</span>
            </p>
          ))}
        </div>
      )}
    </>
  );
}
