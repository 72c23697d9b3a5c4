// Actual × predicted counts on the test split; the diagonal is what the model got right.
import type { ConfusionCell } from "./ml-results";
import styles from "./ml.module.css";

export function ConfusionMatrix({ name, cells }: { name: string; cells: readonly ConfusionCell[] }) {
  const classes = [...new Set(cells.flatMap((c) => [c.actual, c.predicted]))].sort();
  const count = (actual: string, predicted: string) => cells.find((c) => c.actual === actual && c.predicted === predicted)?.count ?? 0;
  const max = Math.max(1, ...cells.map((c) => c.count));
  if (classes.length === 0) return <p className={styles.note}>No labelled test rows to compare.</p>;
  return (
    <table className={`${styles.table} ${styles.confusion}`} data-testid={`ml-confusion-${name}`}>
      <caption>Confusion matrix (test split): actual × predicted</caption>
      <thead>
        <tr>
          <th scope="col">actual \ predicted</th>
          {classes.map((c) => (
            <th scope="col" key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {classes.map((actual) => (
          <tr key={actual}>
            <th scope="row">{actual}</th>
            {classes.map((predicted) => {
              const n = count(actual, predicted);
              const tone = actual === predicted ? "var(--accent, #3d5afe)" : "#e5484d";
              return (
                <td
                  key={predicted}
                  data-actual={actual}
                  data-predicted={predicted}
                  style={{ background: n > 0 ? `color-mix(in srgb, ${tone} ${Math.round(10 + 50 * (n / max))}%, transparent)` : undefined }}
                >
                  {n}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
