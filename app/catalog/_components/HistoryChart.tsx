// Rows and duration over the last materializations: two small SVG sparklines.
import type { MaterializationView } from "@/lib/catalog";

function Spark({ values, label, color }: { values: number[]; label: string; color: string }) {
  const width = 260;
  const height = 48;
  if (values.length === 0) return null;
  const max = Math.max(...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 4 - (v / max) * (height - 8)).toFixed(1)}`).join(" ");
  return (
    <figure style={{ margin: 0 }}>
      <svg className="spark" width={width} height={height} role="img" aria-label={label}>
        <polyline points={points} fill="none" stroke={color} strokeWidth={2} />
        {values.length === 1 ? <circle cx={2} cy={height / 2} r={3} fill={color} /> : null}
      </svg>
      <figcaption className="muted">
        {label} (max {Math.round(max).toLocaleString("en-US")})
      </figcaption>
    </figure>
  );
}

export function HistoryChart({ history }: { history: MaterializationView[] }) {
  const ordered = [...history].reverse();
  return (
    <div style={{ display: "flex", gap: "1.5rem", flexWrap: "wrap" }}>
      <Spark values={ordered.map((m) => m.rows ?? 0)} label="rows" color="#3d5afe" />
      <Spark values={ordered.map((m) => m.durationMs)} label="duration, ms" color="#d08a1a" />
    </div>
  );
}
