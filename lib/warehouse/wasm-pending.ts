// DuckDB-WASM's pending-query API, the one way to run a query there that can be stopped:
// the query runs in slices (startPendingQuery, then pollPendingQuery until a result
// header comes back), and cancelPendingQuery between two slices ends it. The result is
// the header then its record batches: together, one Arrow IPC stream.

/** The part of DuckDB-WASM's bindings this needs; the blocking ones answer at once, the async ones by promise. */
export interface PendingQueryBindings {
  startPendingQuery(conn: number, text: string, allowStreamResult: boolean): Uint8Array | null | Promise<Uint8Array | null>;
  pollPendingQuery(conn: number): Uint8Array | null | Promise<Uint8Array | null>;
  fetchQueryResults(conn: number): Uint8Array | null | Promise<Uint8Array | null>;
}

/** Runs SQL (one or more statements; all but the last run in the first slice) and returns the last one's result as Arrow IPC bytes. */
export async function runPendingQuery(bindings: PendingQueryBindings, conn: number, sql: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  try {
    let header = await bindings.startPendingQuery(conn, sql, false);
    while (header === null) {
      // A macrotask between slices: with the blocking bindings each slice is synchronous,
      // and a cancel (an AbortSignal's listener, a timer) only runs in between.
      await new Promise((resolve) => setTimeout(resolve, 0));
      header = await bindings.pollPendingQuery(conn);
    }
    parts.push(header);
    // The end of the batches is an empty buffer (or null).
    for (let batch = await bindings.fetchQueryResults(conn); batch !== null && batch.length > 0; batch = await bindings.fetchQueryResults(conn)) {
      parts.push(batch);
    }
  } catch (error) {
    throw plainError(error);
  }
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0];
  const bytes = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
}

/**
 * The pending-query path reports some errors as JSON (`{"exception_type":"Parser",
 * "exception_message":…}`) where runQuery says `Parser Error: …`; the message is put back
 * in that form, which enrichWarehouseError classifies.
 */
function plainError(error: unknown): unknown {
  if (!(error instanceof Error) || !error.message.startsWith("{")) return error;
  let parsed: unknown;
  try {
    parsed = JSON.parse(error.message);
  } catch {
    return error;
  }
  if (typeof parsed !== "object" || parsed === null || !("exception_type" in parsed) || !("exception_message" in parsed)) return error;
  const { exception_type: type, exception_message: message } = parsed;
  if (typeof type !== "string" || typeof message !== "string") return error;
  return new Error(`${type} Error: ${message}`, { cause: error });
}
