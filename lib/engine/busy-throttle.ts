// Hands a session's snapshots to the page. While cells run, the page re-renders at most once
// per interval (the newest snapshot wins): each render lays out and paints the notebook, and
// on the browser's main thread that held up the answers the next cell's statements waited
// for (bench/reactive). The first snapshot of a burst and every idle one go at once, so the
// page shows an edit being run, and its results, without delay.

export interface BusyThrottle<T> {
  push(value: T): void;
  /** Drops what is still waiting, and every later snapshot (the page went away). */
  cancel(): void;
}

export function busyThrottle<T>(deliver: (value: T) => void, isBusy: (value: T) => boolean, intervalMs: number, now: () => number = () => performance.now()): BusyThrottle<T> {
  /** When the last busy snapshot went; an idle one ends the burst, so the next busy one goes at once. */
  let last = -Infinity;
  let waiting: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let cancelled = false;
  const send = (value: T) => {
    waiting = undefined;
    last = isBusy(value) ? now() : -Infinity;
    deliver(value);
  };
  const flush = () => {
    timer = undefined;
    if (waiting !== undefined) send(waiting.value);
  };
  return {
    push(value) {
      if (cancelled) return;
      const due = last + intervalMs - now();
      if (!isBusy(value) || due <= 0) {
        clearTimeout(timer);
        timer = undefined;
        send(value);
        return;
      }
      waiting = { value };
      timer ??= setTimeout(flush, due);
    },
    cancel() {
      cancelled = true;
      clearTimeout(timer);
      timer = undefined;
      waiting = undefined;
    },
  };
}
