// The ml cells training right now, for the progress bar and the Cancel button. The session
// runs one cell at a time, and this store tracks the job each ml cell has in flight.
import type { CellMaterializer } from "@/lib/engine/reactive";
import type { MlCell } from "@/lib/notebook/types";
import { materializeMlInWorker, type MlTrainingHandle } from "@/app/_lib/ml-worker";

export interface MlJobState {
  /** Trees built so far, of `total`; both undefined until the first report. */
  built?: number;
  total?: number;
  cancelling: boolean;
}

interface Job {
  state: MlJobState;
  /** The cell's keys the job was started from. */
  configKey: string;
  handle?: MlTrainingHandle;
  cancelRequested: boolean;
}

export function configKeyOf(cell: MlCell): string {
  return JSON.stringify(cell.config);
}

export class MlJobs {
  private readonly jobs = new Map<string, Job>();
  private readonly listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The job's state; the same object until it changes (for useSyncExternalStore). */
  get(name: string): MlJobState | undefined {
    return this.jobs.get(name)?.state;
  }

  cancel(name: string): void {
    const job = this.jobs.get(name);
    if (!job || job.cancelRequested) return;
    job.cancelRequested = true;
    job.handle?.cancel();
    this.update(name, job, { cancelling: true });
  }

  /** An edit of the cell's keys makes its training moot: stop it so the new text runs next. */
  cancelIfChanged(cell: MlCell): void {
    const job = this.jobs.get(cell.name);
    if (job && job.configKey !== configKeyOf(cell)) this.cancel(cell.name);
  }

  /** Wraps a host's materializer: ml cells train in a worker, other kinds go to `other`. */
  materializer(other: CellMaterializer): CellMaterializer {
    return async (cell, warehouse, run) => {
      if (cell.kind !== "ml") return other(cell, warehouse, run);
      const job: Job = { state: { cancelling: false }, configKey: configKeyOf(cell), cancelRequested: false };
      this.jobs.set(cell.name, job);
      this.emit();
      try {
        return await materializeMlInWorker(warehouse, cell, {
          onProgress: (built, total) => this.update(cell.name, job, { built, total }),
          started: (handle) => {
            job.handle = handle;
            if (job.cancelRequested) handle.cancel();
          },
        });
      } finally {
        if (this.jobs.get(cell.name) === job) this.jobs.delete(cell.name);
        this.emit();
      }
    };
  }

  private update(name: string, job: Job, patch: Partial<MlJobState>): void {
    job.state = { ...job.state, ...patch };
    if (this.jobs.get(name) === job) this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}
