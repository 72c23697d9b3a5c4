// Progress reports and cancellation between trees. Training is a long synchronous loop, so
// it also yields to the event loop now and then: a Web Worker can then receive a cancel
// message (which aborts the signal) and post progress while it trains.
import { MlCancelledError } from "./errors";

export interface TrainControl {
  /** Called after each tree (or once, for a linear model). */
  onProgress?: (built: number, total: number) => void;
  signal?: AbortSignal;
}

const YIELD_EVERY_MS = 50;

export class ProgressTicker {
  private lastYield = now();

  constructor(
    private readonly total: number,
    private readonly control: TrainControl,
  ) {}

  throwIfCancelled(): void {
    if (this.control.signal?.aborted) throw new MlCancelledError();
  }

  async tick(built: number): Promise<void> {
    this.control.onProgress?.(built, this.total);
    if (now() - this.lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.lastYield = now();
    }
    this.throwIfCancelled();
  }
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
