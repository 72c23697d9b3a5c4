// A promise queue: tasks run one at a time in call order. One DuckDB connection must not
// interleave statements from different callers (a swap's BEGIN..COMMIT would swallow
// them), so every adapter call goes through one of these.

export type SerialQueue = <T>(task: () => Promise<T>) => Promise<T>;

export function createSerialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task);
    // The next task waits for this one whatever its outcome.
    tail = result.catch(() => undefined);
    return result;
  };
}
