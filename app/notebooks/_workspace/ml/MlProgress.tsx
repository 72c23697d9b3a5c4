"use client";
// Trees built of the total, and a button that stops the training.
import type { MlJobState } from "./ml-jobs";
import styles from "./ml.module.css";

export function MlProgress({ name, job, onCancel }: { name: string; job: MlJobState; onCancel: () => void }) {
  const known = job.built !== undefined && job.total !== undefined && job.total > 0;
  const label = job.cancelling ? "Cancelling…" : known ? `${job.built} / ${job.total} trees` : "Preparing…";
  return (
    <div className={styles.progress} data-testid={`ml-progress-${name}`}>
      <div
        className={styles.bar}
        role="progressbar"
        aria-label={`training ${name}`}
        aria-valuemin={0}
        aria-valuemax={job.total ?? 1}
        aria-valuenow={job.built ?? 0}
      >
        <div className={styles.fill} style={{ width: known ? `${(100 * (job.built ?? 0)) / (job.total ?? 1)}%` : "0%" }} />
      </div>
      <span className={styles.label}>{label}</span>
      <button type="button" className={styles.cancel} onClick={onCancel} disabled={job.cancelling} data-testid={`ml-cancel-${name}`}>
        Cancel
      </button>
    </div>
  );
}
