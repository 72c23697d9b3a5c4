// Metrics by split: one row per metric, train and test side by side.
import type { MetricView } from "./ml-results";
import styles from "./ml.module.css";

const format = (value: number | undefined) => (value === undefined ? "–" : Number.isFinite(value) ? value.toPrecision(4) : String(value));

export function MlMetrics({ name, metrics }: { name: string; metrics: readonly MetricView[] }) {
  return (
    <table className={styles.table} data-testid={`ml-metrics-${name}`}>
      <caption>Metrics</caption>
      <thead>
        <tr>
          <th scope="col">metric</th>
          <th scope="col">train</th>
          <th scope="col">test</th>
        </tr>
      </thead>
      <tbody>
        {metrics.map((m) => (
          <tr key={m.metric} data-metric={m.metric}>
            <th scope="row">{m.metric}</th>
            <td data-split="train">{format(m.train)}</td>
            <td data-split="test">{format(m.test)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
