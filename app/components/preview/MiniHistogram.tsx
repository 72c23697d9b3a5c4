"use client";
// The tiny chart in a column header: bars of equal-width bins, or the top values.
import { formatEdge } from "@/lib/preview/format";
import { formatCount, type Histogram } from "@/lib/preview/stats";
import styles from "./preview-table.module.css";

export function MiniHistogram({ histogram, total }: { histogram: Histogram | undefined; total: number }) {
  if (histogram === undefined) return <div className={styles.histogram} aria-hidden="true" />;
  switch (histogram.shape) {
    case "none":
      return <div className={styles.histogram} aria-hidden="true" />;
    case "bins": {
      const max = Math.max(1, ...histogram.bins.map((b) => b.count));
      const width = 100 / Math.max(1, histogram.bins.length);
      const first = histogram.bins[0];
      const last = histogram.bins.at(-1);
      const label =
        first && last
          ? `histogram from ${formatEdge(first.lo, histogram.temporal)} to ${formatEdge(last.hi, histogram.temporal)}`
          : "histogram: no values";
      return (
        <svg className={styles.histogram} viewBox="0 0 100 38" preserveAspectRatio="none" role="img" aria-label={label}>
          {histogram.bins.map((bin, i) => {
            const h = bin.count === 0 ? 0 : Math.max(1.5, (bin.count / max) * 38);
            return (
              <rect key={i} className={styles.bar} x={i * width + 0.4} width={Math.max(0.5, width - 0.8)} y={38 - h} height={h}>
                <title>{`${formatEdge(bin.lo, histogram.temporal)} – ${formatEdge(bin.hi, histogram.temporal)}: ${formatCount(bin.count)}`}</title>
              </rect>
            );
          })}
        </svg>
      );
    }
    case "top": {
      const shown = histogram.values.slice(0, 3);
      const title = histogram.values.map((v) => `${v.value}: ${v.count}`).join("\n");
      return (
        <ul className={`${styles.histogram} ${styles.topValues}`} title={title} aria-label="most frequent values">
          {shown.map((v) => (
            <li key={v.value}>
              <span className={styles.topBar} style={{ width: `${total > 0 ? Math.max(2, (v.count / total) * 100) : 0}%` }} />
              <span className={styles.topLabel}>{v.value === "" ? "(empty)" : v.value}</span>
              <span className={styles.topCount}>{formatCount(v.count)}</span>
            </li>
          ))}
        </ul>
      );
    }
  }
}
