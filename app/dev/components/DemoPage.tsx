"use client";
// DEMO ONLY: the three workspace components on generated data, for e2e tests and screenshots.
import { useEffect, useMemo, useState } from "react";
import { ChartView } from "@/app/components/ChartView";
import { GraphPanel } from "@/app/components/GraphPanel";
import { PreviewTable } from "@/app/components/PreviewTable";
import { CELL_RUN_STATES, stateColor, stateLabel } from "@/app/components/state-colors";
import { DEMO_EDGES, DEMO_NODES, dailyRows } from "./demo-data";
import { openDemoWarehouse, type DemoWarehouse } from "./demo-warehouse";
import styles from "./demo.module.css";

type Loading = { status: "loading" } | { status: "ready"; demo: DemoWarehouse } | { status: "failed"; error: string };

export function DemoPage() {
  const [loading, setLoading] = useState<Loading>({ status: "loading" });
  const [selected, setSelected] = useState<string>();
  const rows = useMemo(() => dailyRows(), []);

  useEffect(() => {
    let live = true;
    openDemoWarehouse().then(
      (demo) => live && setLoading({ status: "ready", demo }),
      (error: unknown) => live && setLoading({ status: "failed", error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, []);

  return (
    <div className={styles.page}>
      <h1 className={styles.title}>Workspace components</h1>

      <section className={styles.section} aria-labelledby="table-heading">
        <h2 id="table-heading">Preview table · <code>demo</code></h2>
        <div className={styles.table}>
          {loading.status === "ready" ? (
            <PreviewTable warehouse={loading.demo.warehouse} table="demo" columns={loading.demo.columns} rowCount={loading.demo.rowCount} />
          ) : loading.status === "failed" ? (
            <p role="alert">DuckDB-WASM failed: {loading.error}</p>
          ) : (
            <p className="muted" data-testid="demo-loading">Starting DuckDB-WASM and generating 1,000,000 rows…</p>
          )}
        </div>
      </section>

      <section className={styles.section} aria-labelledby="chart-heading">
        <h2 id="chart-heading">Charts</h2>
        <div className={styles.charts}>
          <div className={styles.card} data-testid="demo-chart-line">
            <ChartView spec={{ mark: "line", x: "day", y: "km", color: "sport", title: "Km per day" }} rows={rows} />
          </div>
          <div className={styles.card} data-testid="demo-chart-bar">
            <ChartView spec={{ mark: "bar", x: "sport", y: "km", aggregate: "sum", color: "sport", facet: "weekend", title: "Total km, weekday vs weekend" }} rows={rows} />
          </div>
        </div>
      </section>

      <section className={styles.section} aria-labelledby="graph-heading">
        <h2 id="graph-heading">Graph</h2>
        <p className={styles.legend}>
          {CELL_RUN_STATES.map((state) => (
            <span key={state}>
              <i style={{ background: stateColor(state) }} /> {stateLabel(state)}
            </span>
          ))}
          <span className={styles.selected} data-testid="graph-selected">
            Selected: {selected ?? "none"}
          </span>
        </p>
        <div className={styles.graph}>
          <GraphPanel nodes={DEMO_NODES} edges={DEMO_EDGES} selected={selected} onSelect={setSelected} />
        </div>
      </section>
    </div>
  );
}
