"use client";
// A chart cell rendered with Vega-Lite, offline and without eval: vega-embed is loaded
// from the app's own bundle, expressions run in Vega's AST interpreter (`ast: true`),
// the renderer is SVG and the colours follow the page's light or dark theme.
import { useEffect, useMemo, useRef, useState } from "react";
import type { EmbedOptions, VisualizationSpec } from "vega-embed";
import { inferColumns, vegaLiteSpec, withRows, type ChartConfig } from "@/lib/preview/chart-spec";
import type { Column, Row } from "@/lib/warehouse/types";
import styles from "./chart-view.module.css";

export interface ChartViewProps {
  /** A chart cell's keys: mark, x, y, color, size, facet, aggregate, title, ... (extra keys such as `from` are ignored). */
  spec: ChartConfig;
  rows: Row[];
  /** The table's column types; guessed from the rows when absent. */
  columns?: Column[];
}

function isVisualizationSpec(value: object): value is VisualizationSpec {
  return "mark" in value || "layer" in value || "facet" in value || "spec" in value;
}

function themeConfig(element: Element): NonNullable<EmbedOptions["config"]> {
  const css = getComputedStyle(element);
  const read = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const text = read("--text", "#1c1d1f");
  const muted = read("--muted", "#6b6f76");
  const border = read("--border", "#e4e4e0");
  const accent = read("--accent", "#3d5afe");
  const font = css.fontFamily || "system-ui, sans-serif";
  return {
    background: "transparent",
    font,
    padding: 4,
    axis: { labelColor: muted, titleColor: text, domainColor: border, tickColor: border, gridColor: border, labelFontSize: 11, titleFontSize: 12, titleFontWeight: 600 },
    legend: { labelColor: muted, titleColor: text, labelFontSize: 11, titleFontSize: 12 },
    header: { labelColor: text, titleColor: text, labelFontSize: 12 },
    title: { color: text, anchor: "start", fontSize: 14, fontWeight: 600, offset: 10 },
    view: { stroke: border },
    mark: { color: accent },
    range: { category: [accent, "#00bfa5", "#f59e0b", "#e5484d", "#8e4ec6", "#12a594", "#ff8b3e", "#0090ff", "#d6409f", "#7d7f88"] },
  };
}

function useColorScheme(): "light" | "dark" {
  const [scheme, setScheme] = useState<"light" | "dark">("light");
  useEffect(() => {
    const query = window.matchMedia("(prefers-color-scheme: dark)");
    const update = () => setScheme(query.matches ? "dark" : "light");
    update();
    query.addEventListener("change", update);
    return () => query.removeEventListener("change", update);
  }, []);
  return scheme;
}

export function ChartView({ spec, rows, columns }: ChartViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string>();
  const scheme = useColorScheme();
  const vlSpec = useMemo(() => withRows(vegaLiteSpec(spec, columns ?? inferColumns(rows)), rows), [spec, columns, rows]);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let finalize: (() => void) | undefined;
    (async () => {
      try {
        const { default: embed } = await import("vega-embed");
        if (cancelled) return;
        const visual: object = vlSpec;
        if (!isVisualizationSpec(visual)) throw new Error("not a Vega-Lite spec");
        const result = await embed(element, visual, {
          mode: "vega-lite",
          renderer: "svg",
          actions: false,
          // CSP-safe: no code generation, expressions are interpreted.
          ast: true,
          config: themeConfig(element),
          logLevel: 1,
        });
        if (cancelled) result.finalize();
        else {
          finalize = () => result.finalize();
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      cancelled = true;
      finalize?.();
    };
  }, [vlSpec, scheme]);

  return (
    <figure className={styles.chart} data-testid="chart-view">
      <div ref={container} className={styles.canvas} role="img" aria-label={spec.title ?? `${spec.mark} chart`} />
      {error ? (
        <figcaption className={styles.error} role="alert">
          Chart error: {error}
        </figcaption>
      ) : null}
      {rows.length === 0 && !error ? <figcaption className={styles.empty}>No rows to chart.</figcaption> : null}
    </figure>
  );
}
