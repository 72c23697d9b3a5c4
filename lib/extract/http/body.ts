// Reading a response body a chunk at a time, so a huge page stops at the cap instead of
// arriving whole first (a 200 MB page once took 2 GB of memory as a preview).
import { isUtf8 } from "node:buffer";
import type { BudgetLease } from "../budget";
import type { OutboundResponse } from "../../outbound";

/** Per response in a production run (and the CLI). */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/** What an error body is read for: a 200-character snippet. The rest is dropped unread. */
export const ERROR_BODY_BYTES = 16 * 1024;

const MB = 1024 * 1024;
const describeBytes = (bytes: number) => (bytes >= MB ? `${Math.round((bytes / MB) * 10) / 10} MB` : `${bytes} bytes`);

/** A body past its cap, or past the server's preview budget; not worth retrying. */
export class ResponseLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ResponseLimitError";
  }
}

const tooLarge = (maxBytes: number) =>
  new ResponseLimitError(`the response is larger than ${describeBytes(maxBytes)}, the most one response may be; ask for smaller pages (the paginator's size or limit)`);

export interface BodyLimits {
  maxBytes: number;
  /** Past maxBytes: fail (a page we need whole), or keep what was read (an error body, for its snippet). */
  overflow: "fail" | "truncate";
  budget: BudgetLease | undefined;
}

/**
 * A body read: its bytes when they are exactly its text in UTF-8 (no byte order mark, no
 * invalid byte replaced), and its text, decoded on first use: a REST extract that spools a
 * page's bytes as they came never decodes them (rest-spool.ts).
 */
export class ResponseBody {
  readonly bytes: Buffer | undefined;
  readonly #utf8: boolean;
  #text: string | undefined;

  constructor(private readonly raw: Buffer) {
    this.#utf8 = isUtf8(raw);
    const bom = raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
    this.bytes = this.#utf8 && !bom ? raw : undefined;
  }

  /** Its length in bytes, as it came (decompressed). */
  get size(): number {
    return this.raw.length;
  }

  /** Valid UTF-8 decodes as TextDecoder would (a third faster), which drops a BOM. Invalid bytes become U+FFFD, as the lenient decoder makes them. */
  get text(): string {
    this.#text ??= !this.#utf8 ? lenientDecoder.decode(this.raw) : (this.bytes ?? this.raw.subarray(3)).toString("utf8");
    return this.#text;
  }
}

const lenientDecoder = new TextDecoder();

export async function readBody(response: OutboundResponse, limits: BodyLimits): Promise<ResponseBody> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (limits.overflow === "fail" && declared > limits.maxBytes) {
    response.cancel();
    throw tooLarge(limits.maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  let whole = false;
  try {
    for await (const value of response.body) {
      const room = limits.maxBytes - total;
      const over = value.byteLength > room;
      if (over && limits.overflow === "fail") {
        throw tooLarge(limits.maxBytes);
      }
      const chunk = over ? value.subarray(0, room) : value;
      if (limits.budget !== undefined && !limits.budget.take(chunk.byteLength)) {
        throw new ResponseLimitError(
          "the server is reading too many large preview responses at once; try again in a moment, or preview a smaller page (the paginator's size or limit)",
        );
      }
      chunks.push(chunk);
      total += chunk.byteLength;
      if (over) break;
    }
    whole = true;
  } finally {
    // Stop the transfer of whatever was left unread (a whole body's connection is kept for the next request).
    if (!whole) response.cancel();
  }
  return new ResponseBody(chunks.length === 1 && chunks[0] instanceof Buffer ? chunks[0] : Buffer.concat(chunks, total));
}
