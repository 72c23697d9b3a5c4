// Fencing for swaps: a token per key (a run's attempt number) kept in the `_assetbook.state`
// table. Inside the swap's transaction the adapter reads the key's token (locking the row
// where the backend has row locks), refuses the swap when a higher token is recorded, and
// records its own. A new attempt claims its token with an empty fenced swap, after which
// every swap of an older attempt is refused.
import { STATE_TABLE } from "./metadata-sql";
import { quoteLiteral, type Fence, type Row } from "./types";
import { toJsonText } from "./values";

export class FencedError extends Error {
  constructor(
    readonly fence: Fence,
    readonly current: number,
  ) {
    super(`swap refused: fencing token ${fence.token} for "${fence.key}" is stale (current ${current})`);
    this.name = "FencedError";
  }
}

/** A fenced swap asked of a warehouse that cannot honour fences (the browser's): refused, nothing changed. */
export class FenceUnsupportedError extends Error {
  constructor(
    readonly fence: Fence,
    backend: string,
  ) {
    super(`swap refused: the ${backend} warehouse cannot fence a swap (key "${fence.key}"); production runs use a server warehouse`);
    this.name = "FenceUnsupportedError";
  }
}

export function isFencedError(error: unknown): error is FencedError {
  return error instanceof FencedError;
}

/** Checks and records the fence; call first inside the swap's transaction. */
export async function applyFence(
  fence: Fence,
  io: { readRows(sql: string): Promise<Row[]>; run(sql: string): Promise<void> },
  opts: { lockRow: boolean; now: Date },
): Promise<void> {
  if (!Number.isSafeInteger(fence.token) || fence.token < 0) throw new Error(`fencing token must be a non-negative integer, got ${fence.token}`);
  const key = quoteLiteral(fence.key);
  const rows = await io.readRows(`SELECT value FROM ${STATE_TABLE} WHERE key = ${key}${opts.lockRow ? " FOR UPDATE" : ""}`);
  const stored = rows[0] === undefined ? null : Number(JSON.parse(String(rows[0].value)));
  if (stored !== null && Number.isFinite(stored) && stored > fence.token) throw new FencedError(fence, stored);
  if (stored === fence.token) return;
  const stamp = quoteLiteral(opts.now.toISOString().replace("T", " ").replace("Z", ""));
  await io.run(
    `INSERT INTO ${STATE_TABLE} (key, value, updated_at) VALUES (${key}, ${quoteLiteral(toJsonText(fence.token))}, CAST(${stamp} AS TIMESTAMP)) ` +
      `ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
}
