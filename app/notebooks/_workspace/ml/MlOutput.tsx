"use client";
// Under an ml cell: the progress bar while it trains, then its metrics, a feature-importance
// chart, and predicted against actual (a scatter for regression, a confusion matrix for a
// classifier). After a cancelled or failed run the previous outputs stay on show.
import { memo, useEffect, useMemo, useState } from "react";
import type { CellStatus } from "@/lib/engine/reactive";
import type { MlCell } from "@/lib/notebook/types";
import type { Warehouse } from "@/lib/warehouse/types";
import { ChartView } from "@/app/components/ChartView";
import type { ChartConfig } from "@/lib/preview/chart-spec";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { MlMetrics } from "./MlMetrics";
import { MlProgress } from "./MlProgress";
import { useMlJob } from "./ml-context";
import { readMlView, type MlView } from "./ml-results";
import styles from "./ml.module.css";

interface Props {
  cell: MlCell;
  status: CellStatus | undefined;
  warehouse: Warehouse;
}

function importanceSpec(features: number): ChartConfig {
  return {
    mark: "bar",
    title: "Feature importance",
    x: { field: "importance", type: "quantitative", title: "importance" },
    y: { field: "feature", type: "nominal", sort: "-x", title: null },
    height: Math.max(60, features * 22),
  };
}

function scatterSpec(target: string): ChartConfig {
  return {
    mark: "point",
    title: `Predicted vs actual ${target}`,
    x: { field: "actual", type: "quantitative", title: `actual ${target}`, scale: { zero: false } },
    y: { field: "predicted", type: "quantitative", title: `predicted ${target}`, scale: { zero: false } },
    color: { field: "split", type: "nominal", title: "split" },
    height: 300,
  };
}

export function MlOutput({ cell, status, warehouse }: Props) {
  const name = cell.name;
  const { job, jobs } = useMlJob(name);
  const [view, setView] = useState<MlView>();
  const runs = status?.runs ?? 0;
  const settled = status?.state !== "running" && status?.state !== "queued";

  useEffect(() => {
    jobs?.cancelIfChanged(cell);
  }, [cell, jobs, job]);

  useEffect(() => {
    if (!settled || runs === 0) return;
    let live = true;
    readMlView(warehouse, cell).then(
      (next) => live && setView(next),
      () => live && setView(undefined),
    );
    return () => {
      live = false;
    };
  }, [warehouse, cell, runs, settled]);

  const previous = view !== undefined && status?.state !== "fresh";
  return (
    <div className={styles.output} data-testid={`ml-output-${name}`} data-runs={runs}>
      {job && <MlProgress name={name} job={job} onCancel={() => jobs?.cancel(name)} />}
      {view && <MlResults name={name} target={cell.config.target} view={view} previous={previous} />}
    </div>
  );
}

/** Memoized: progress reports re-render the cell several times a second, the charts must not. */
const MlResults = memo(function MlResults({ name, target, view, previous }: { name: string; target: string; view: MlView; previous: boolean }) {
  const importance = useMemo(() => importanceSpec(view.importance.length), [view.importance.length]);
  const scatter = useMemo(() => scatterSpec(target), [target]);
  return (
    <div className={previous ? `${styles.results} ${styles.previous}` : styles.results} data-testid={`ml-results-${name}`} data-task={view.task}>
      {previous && <p className={styles.note}>Showing the last trained model.</p>}
      <div className={styles.row}>
        <MlMetrics name={name} metrics={view.metrics} />
        <div className={styles.chart} data-testid={`ml-importance-${name}`}>
          <ChartView spec={importance} rows={view.importance} />
        </div>
      </div>
      {view.task === "regression" ? (
        view.points.length > 0 && (
          <div className={styles.chart} data-testid={`ml-scatter-${name}`}>
            <ChartView spec={scatter} rows={view.points} />
          </div>
        )
      ) : (
        <ConfusionMatrix name={name} cells={view.confusion} />
      )}
    </div>
  );
});
