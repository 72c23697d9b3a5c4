"use client";
// What is under an asset cell: its problems, then its preview (a table, or a chart).
import { use, useEffect, useState } from "react";
import type { CellStatus } from "@/lib/engine/reactive";
import type { AssetCell } from "@/lib/notebook/types";
import type { CellProblem } from "@/lib/workspace/cell-markers";
import { quoteIdent, type Row, type Warehouse } from "@/lib/warehouse/types";
import { ChartView } from "@/app/components/ChartView";
import { PreviewTable } from "@/app/components/PreviewTable";
import { SessionBusyContext } from "./session-busy";
import { chartSpecOf } from "./chart-spec";
import { MlOutput } from "./ml/MlOutput";

export const CHART_ROW_LIMIT = 5000;

/** PreviewTable fills its box: the toolbar and column headers, then up to ~8 rows before it scrolls. */
function previewHeight(rows: number): number {
  return Math.min(440, 222 + Math.max(rows, 1) * 28);
}

interface Props {
  name: string;
  cell: AssetCell | undefined;
  status: CellStatus | undefined;
  problems: readonly CellProblem[];
  warehouse: Warehouse | undefined;
}

function Problems({ name, problems, status }: { name: string; problems: readonly CellProblem[]; status: CellStatus | undefined }) {
  const shown: CellProblem[] = problems.length > 0 ? [...problems] : status?.error ? [{ message: status.error }] : [];
  if (shown.length === 0) return null;
  const blocked = status?.state === "blocked" && problems.length === 0;
  return (
    <div className={blocked ? "nb-problems nb-problems--blocked" : "nb-problems"} role={blocked ? "status" : "alert"} data-testid={`cell-error-${name}`}>
      {shown.map((p, i) => (
        <p key={i}>
          {p.line !== undefined && <span className="nb-problems__where">line {p.line}{p.column && p.column > 1 ? `:${p.column}` : ""}</span>}
          <span className="nb-problems__message">{p.message}</span>
        </p>
      ))}
    </div>
  );
}

function ChartOutput({ cell, status, warehouse }: { cell: AssetCell & { kind: "chart" }; status: CellStatus; warehouse: Warehouse }) {
  const [rows, setRows] = useState<Row[]>();
  const from = cell.config.from;
  const runs = status.runs;
  useEffect(() => {
    let live = true;
    warehouse.query(`select * from ${quoteIdent(from)} limit ${CHART_ROW_LIMIT}`).then(
      (result) => live && setRows(result),
      () => live && setRows([]),
    );
    return () => {
      live = false;
    };
  }, [warehouse, from, runs]);
  const spec = chartSpecOf(cell.config);
  if (!spec) return null;
  if (!rows) return <div className="nb-output__pending">Loading chart…</div>;
  return (
    <div className="nb-chart" data-testid={`chart-${cell.name}`}>
      <ChartView spec={spec} rows={rows} columns={status.columns} />
    </div>
  );
}

export function CellOutput({ name, cell, status, problems, warehouse }: Props) {
  const fresh = status?.state === "fresh";
  const busy = use(SessionBusyContext);
  let preview = null;
  // An ml cell shows its training while it runs, and its last outputs after a failed run.
  if (cell?.kind === "ml" && warehouse) preview = <MlOutput cell={cell} status={status} warehouse={warehouse} />;
  else if (fresh && warehouse && cell) {
    switch (cell.kind) {
      case "chart":
        preview = <ChartOutput cell={cell} status={status} warehouse={warehouse} />;
        break;
      case "sql":
      case "extract":
        preview = (
          <div className="nb-preview" data-testid={`preview-${name}`} style={{ height: previewHeight(status.rows ?? 0) }}>
            <PreviewTable warehouse={warehouse} table={name} columns={status.columns ?? []} rowCount={status.rows ?? 0} statsPaused={busy} key={status.runs} />
          </div>
        );
        break;
      case "ml":
        break;
      default: {
        const unreachable: never = cell;
        return unreachable;
      }
    }
  }
  return (
    <>
      <Problems name={name} problems={problems} status={status} />
      {fresh && status.sampledFrom ? <SampleNote name={name} sources={status.sampledFrom} /> : null}
      {preview}
    </>
  );
}

/** Said wherever a result comes from a sample: its numbers may differ from a full run. */
function SampleNote({ name, sources }: { name: string; sources: string[] }) {
  const own = sources.includes(name);
  const others = sources.filter((source) => source !== name);
  return (
    <p className="nb-sampled" data-testid={`sampled-${name}`}>
      <strong>Sampled.</strong> {own ? "This preview stopped at its row cap; the source has more rows. " : null}
      {others.length > 0 ? (
        <>
          Computed from a sample of {others.map((source, i) => (
            <span key={source}>
              {i > 0 ? ", " : null}
              <code>{source}</code>
            </span>
          ))}
          ; a full run can give other numbers.{" "}
        </>
      ) : null}
      Raise <em>Preview rows</em> in the toolbar to read more; production runs read everything.
    </p>
  );
}
