// A server-wide budget of response bytes held by extract previews at once. A preview's
// memory grows with what it has read (parsed JSON and a DuckDB table, roughly ten times
// the bytes), so concurrent previews of large pages could take the server down; past the
// budget a preview stops and the route answers 503, telling the editor to try again.

/** What one preview holds of the budget, from its first response to its end. */
export interface BudgetLease {
  /** Takes `bytes` more; false (and nothing taken) when the budget cannot cover them. */
  take(bytes: number): boolean;
  /** True once a take was refused: the preview failed for want of memory, not for its source. */
  readonly refused: boolean;
  /** Gives back everything taken; idempotent. */
  release(): void;
}

export class ByteBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {
    if (!Number.isSafeInteger(limitBytes) || limitBytes <= 0) throw new Error(`a byte budget must be a positive integer, got ${limitBytes}`);
  }

  /** Bytes currently taken by all leases. */
  get inUse(): number {
    return this.used;
  }

  lease(): BudgetLease {
    let held = 0;
    let refused = false;
    let released = false;
    return {
      take: (bytes) => {
        if (released || this.used + bytes > this.limitBytes) {
          refused = true;
          return false;
        }
        this.used += bytes;
        held += bytes;
        return true;
      },
      get refused() {
        return refused;
      },
      release: () => {
        if (released) return;
        released = true;
        this.used -= held;
        held = 0;
      },
    };
  }
}
