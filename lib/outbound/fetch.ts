// HTTP requests with the outbound policy enforced where the connection is made: every address a
// host name resolves to is checked in the socket's own lookup, and an address written in
// the URL in the connector, so a redirect, a keep-alive reconnect or a DNS answer that
// changes between a check and the connection (rebinding) cannot slip past.
import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { pipeline, Transform, type Duplex } from "node:stream";
import zlib from "node:zlib";
import { Agent, buildConnector, request, type Dispatcher } from "undici";
import { isIpLiteral } from "./address";
import { checkAddress, type OutboundPolicy } from "./policy";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, as sockets use it). */
export type Resolve = (hostname: string, family: 0 | 4 | 6) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname, family) =>
  (await dns.promises.lookup(hostname, { all: true, family, order: "verbatim" })).map(({ address, family: f }) => ({ address, family: f === 6 ? 6 : 4 }));

function familyOf(value: unknown): 0 | 4 | 6 {
  return value === 4 || value === "IPv4" ? 4 : value === 6 || value === "IPv6" ? 6 : 0;
}

/** A socket lookup that resolves every address of the host and refuses them all if any one is denied. */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options.family)).then(
      (addresses) => {
        const first = addresses[0];
        if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }), "", 0);
        for (const { address } of addresses) {
          const denied = checkAddress(hostname, address, policy);
          if (denied !== undefined) return callback(denied, "", 0);
        }
        if (options.all === true) callback(null, addresses.map(({ address, family }) => ({ address, family })));
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), "", 0),
    );
  };
}

/** The undici dispatcher of one policy: its lookup checks names, its connector checks addresses written as such. */
function guardedAgent(policy: OutboundPolicy, resolve: Resolve): Agent {
  const connectVia = buildConnector({ lookup: guardedLookup(policy, resolve) });
  return new Agent({
    connect: (options, callback) => {
      // A literal address never goes through lookup.
      const denied = isIpLiteral(options.hostname) ? checkAddress(options.hostname, options.hostname, policy) : undefined;
      if (denied !== undefined) callback(denied, null);
      else connectVia(options, callback);
    },
  });
}

// One agent per policy (and resolver), so connections are pooled across requests as fetch's own are.
const agents = new WeakMap<Resolve, Map<string, Agent>>();

function agentFor(policy: OutboundPolicy, resolve: Resolve): Agent {
  let byPolicy = agents.get(resolve);
  if (byPolicy === undefined) agents.set(resolve, (byPolicy = new Map()));
  const key = `${policy.allowLoopback}/${policy.allowPrivate}`;
  let agent = byPolicy.get(key);
  if (agent === undefined) byPolicy.set(key, (agent = guardedAgent(policy, resolve)));
  return agent;
}

export interface OutboundInit {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** A response: its status and headers, and its body as it arrives. */
export interface OutboundResponse {
  status: number;
  statusText: string;
  headers: Headers;
  /** The body, a chunk at a time (under the request's signal, as the headers were). */
  body: AsyncIterable<Uint8Array>;
  /** Drops what is left unread. */
  cancel(): void;
}

export type OutboundFetch = (url: string, init: OutboundInit) => Promise<OutboundResponse>;

/** What a request carries unless its caller says otherwise (fetch's defaults, compression included). */
const DEFAULT_HEADERS: Readonly<Record<string, string>> = { accept: "*/*", "accept-encoding": "gzip, deflate, br", "user-agent": "Assetbook" };

/**
 * An HTTP request under `policy`. Refuses anything but http(s), and an address written in
 * the URL (after URL normalization: `127.1`, `2130706433` and `0x7f.1` are all 127.0.0.1)
 * before a request; the agent checks again at every connection. A redirect is never
 * followed here: it is the caller's to follow or refuse. undici's request rather than
 * fetch: a REST extract makes one per page, and fetch's streams and objects cost it twice
 * the CPU (bench/extract).
 */
export function outboundFetch(policy: OutboundPolicy, resolve: Resolve = systemResolve): OutboundFetch {
  const dispatcher = agentFor(policy, resolve);
  return async (url, init) => {
    const target = new URL(url);
    if (target.protocol !== "http:" && target.protocol !== "https:") throw new TypeError(`${target.protocol} URLs are not fetched, only http: and https:`);
    if (isIpLiteral(target.hostname)) {
      const denied = checkAddress(target.hostname, target.hostname, policy);
      if (denied !== undefined) throw denied;
    }
    const headers = { ...DEFAULT_HEADERS };
    for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
    const response = await request(target, { dispatcher, method: init.method ?? "GET", headers, body: init.body, signal: init.signal });
    const responseHeaders = headersOf(response.headers);
    // A body as it came: up to 128 KB more is read and dropped when it is cancelled (the connection is kept for the next request); past that it is closed.
    const { body, stop } = decoded(response.body, responseHeaders.get("content-encoding"), response.statusCode);
    return {
      status: response.statusCode,
      statusText: response.statusText,
      headers: responseHeaders,
      body,
      cancel: stop,
    };
  };
}

/** As fetch: more codings than this is a hostile response, not a compressed one. */
const MAX_CODINGS = 5;

/** Lenient at the end, as browsers and fetch are: a body cut short gives what it holds. */
const ZLIB_OPTIONS = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
const BROTLI_OPTIONS = { flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH };

const DECODERS: Readonly<Record<string, () => Duplex>> = {
  gzip: () => zlib.createGunzip(ZLIB_OPTIONS),
  "x-gzip": () => zlib.createGunzip(ZLIB_OPTIONS),
  deflate: inflateEither,
  br: () => zlib.createBrotliDecompress(BROTLI_OPTIONS),
};

/** `deflate` zlib-wrapped, as HTTP means it, or raw, as some servers send it: told by its first byte (as fetch does). */
function inflateEither(): Duplex {
  let inner: zlib.Inflate | zlib.InflateRaw | undefined;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (inner === undefined) {
        const wrapped = ((chunk[0] ?? 0) & 0x0f) === 0x08;
        const created = wrapped ? zlib.createInflate(ZLIB_OPTIONS) : zlib.createInflateRaw(ZLIB_OPTIONS);
        created.on("data", (data: Buffer) => this.push(data));
        created.on("error", (error) => this.destroy(error));
        inner = created;
      }
      inner.write(chunk, () => done());
    },
    flush(done) {
      if (inner === undefined) return done();
      inner.once("end", () => done());
      inner.end();
    },
  });
}

/** Statuses whose response has no body to decode. */
const NO_BODY = new Set([204, 304]);

/**
 * A body decompressed as its Content-Encoding says (codings applied in order are undone in
 * reverse), as fetch does; one with a coding it does not know is left as it came. An error
 * anywhere (a corrupt stream, the request aborted) ends the decompressed body with it.
 * `stop` drops what is left: the decompressors and the transfer.
 */
function decoded(raw: Dispatcher.ResponseData["body"], encoding: string | null, status: number): { body: AsyncIterable<Uint8Array>; stop: () => void } {
  const asItCame = { body: raw, stop: () => void raw.dump().catch(() => undefined) };
  const codings = (encoding ?? "").split(",").map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== "" && coding !== "identity");
  if (codings.length === 0 || NO_BODY.has(status)) return asItCame;
  if (codings.length > MAX_CODINGS) {
    // Destroyed with no reason, the body still emits an AbortError: nobody reads it, so it is dropped here.
    raw.once("error", () => undefined).destroy();
    throw new Error(`the response has ${codings.length} content codings, more than ${MAX_CODINGS}`);
  }
  const stages: Duplex[] = [];
  for (const coding of codings.reverse()) {
    const decoder = Object.hasOwn(DECODERS, coding) ? DECODERS[coding] : undefined;
    if (decoder === undefined) return asItCame;
    stages.push(decoder());
  }
  const last = stages.at(-1);
  if (last === undefined) return asItCame;
  // Errors are the last stage's, which pipeline destroys with them: its reader sees them.
  pipeline([raw, ...stages], () => undefined);
  // Destroying the last stage tears the pipeline down, the transfer with it (a paused decompressor would hold it).
  return { body: last, stop: () => void last.destroy() };
}

/** undici's header record as Headers (a repeated header's values joined, as fetch joins them). */
function headersOf(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}
