// The REST source: request, authenticate, page, and yield records one page at a time.
import { setTimeout as delay } from "node:timers/promises";
import { createAuthenticator, resolveAuthSecrets, type Authenticator } from "./auth";
import type { BudgetLease } from "../budget";
import { DEFAULT_MAX_RESPONSE_BYTES } from "./body";
import { ExtractHttpError } from "./errors";
import { valueRanges, type ByteRange } from "./body-paths";
import { parseJsonBody, readPath, recordsFromBody, type PathLookup } from "./json-body";
import { scanWholeArray, type ArrayScan, type RecordScan } from "../normalize/json-scan";
import { createPaginator, paginatorPaths } from "./paginators";
import { requestWithRetries, statusError, type HttpRequest, type HttpResponse, type RequestPolicy, type Sleep } from "./request";
import { DEFAULT_OUTBOUND_POLICY, outboundFetch, type OutboundPolicy, type Resolve } from "../../outbound";
import { Redactor, resolveSecretValue, type SecretResolver, type SecretUse } from "../../secrets/secrets";
import { parseRestRequestSpec, type ParamValue, type RestRequestSpecInput } from "./spec";
import { pagesAheadAfter, RequestsAhead } from "./requests-ahead";

export interface Page {
  /** How many records it holds. */
  count: number;
  /** Its records; parsed on first use when scanRecords counted them. */
  readonly records: unknown[];
  /**
   * The bytes of the array that holds the records, exactly as they came: the whole body, or
   * the array at `data_path` (found by scanRecords' caller without parsing the body). A caller
   * may keep them instead of writing the records again.
   */
  recordBytes?: Buffer;
  /** What scanRecords found in recordBytes, when it counted them. */
  scan?: RecordScan;
  /** The body as text (what `records` are parsed from); decoded on first use. */
  readonly bodyText: string;
  /** The page's URL, redacted. */
  url: string;
  /** 1-based. */
  pageNumber: number;
}

export interface PageInfo {
  page: number;
  /** Redacted. */
  url: string;
  records: number;
}

export interface FetchPagesOptions {
  resolveSecret: SecretResolver;
  /** Sent on the first request, over `params` (e.g. the incremental `after=<cursor>`). */
  extraParams?: Record<string, string | number | boolean>;
  signal?: AbortSignal;
  onPage?: (info: PageInfo) => void;
  /** Redacted messages about a paginator stopping early or odd responses. */
  onWarning?: (message: string) => void;
  /** Which addresses requests may reach (default: DEFAULT_OUTBOUND_POLICY, loopback allowed). */
  outbound?: OutboundPolicy;
  /** How host names resolve (default: the system resolver). */
  resolve?: Resolve;
  /** Cap on one response's body (default 64 MB). */
  maxResponseBytes?: number;
  /** The server's preview budget, when this is a preview. */
  budget?: BudgetLease;
  sleep?: Sleep;
  /** In [0, 1); the jitter of the backoff. */
  random?: () => number;
  /** Cap on a server's Retry-After (default 60 s). */
  maxRetryAfterSeconds?: number;
  /** Pass one to redact your own messages with the secrets resolved here. */
  redactor?: Redactor;
  /**
   * Request the next page while the caller is still loading this one, and where the
   * paginator can tell them (page numbers, offsets with a limit) the few after it too
   * (requests-ahead.ts). Off by default: a caller that stops early then wastes those requests.
   */
  prefetch?: boolean;
  /**
   * Counts the records of the array that opens at `at` in a body (the body, or its member at
   * `data_path`), from its bytes, without parsing them (null: it cannot; the body is parsed).
   * A page it counts is parsed only if its records or its text are asked for.
   */
  scanRecords?: (bytes: Uint8Array, at: number) => ArrayScan | null;
}

export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 60;

/** `base_url` + `path`, with exactly one slash between them; a query in either is kept. */
export function joinUrl(baseUrl: string, path: string | undefined): URL {
  const url = new URL(baseUrl);
  if (path === undefined || path === "") return url;
  const relative = new URL(path.replace(/^\/+/, ""), "http://relative.invalid/");
  url.pathname = url.pathname.replace(/\/+$/, "") + relative.pathname;
  relative.searchParams.forEach((value, name) => url.searchParams.append(name, value));
  return url;
}

function resolveParams(
  values: Record<string, ParamValue>,
  field: "params" | "headers",
  destination: URL,
  resolveSecret: SecretResolver,
  redactor: Redactor,
): [string, string][] {
  const use: SecretUse = field === "headers" ? "header" : "url_or_body";
  return Object.entries(values).map(([name, value]) => [
    name,
    typeof value === "string" ? resolveSecretValue(value, `${field}.${name}`, destination, resolveSecret, redactor, use) : String(value),
  ]);
}

function defaultSleep(signal: AbortSignal | undefined): Sleep {
  // Rejects with the caller's own reason, like an aborted request does.
  return (ms) =>
    delay(ms, undefined, { signal }).catch((error: unknown) => {
      throw signal?.aborted ? signal.reason : error;
    });
}

export async function* fetchPages(specInput: RestRequestSpecInput, options: FetchPagesOptions): AsyncGenerator<Page> {
  const spec = parseRestRequestSpec(specInput);
  const redactor = options.redactor ?? new Redactor();
  let url = joinUrl(spec.base_url, spec.path);
  // Every secret is resolved (and checked against its allowed hosts) before the first
  // request, so a missing or misdirected one fails fast. Later pages stay on this origin.
  const params = resolveParams(spec.params, "params", url, options.resolveSecret, redactor);
  const headerEntries = resolveParams(spec.headers, "headers", url, options.resolveSecret, redactor);
  const auth = spec.auth === undefined ? undefined : resolveAuthSecrets(spec.auth, url, options.resolveSecret, redactor);

  const policy: RequestPolicy = {
    fetch: outboundFetch(options.outbound ?? DEFAULT_OUTBOUND_POLICY, options.resolve),
    sleep: options.sleep ?? defaultSleep(options.signal),
    random: options.random ?? Math.random,
    redactor,
    signal: options.signal,
    timeoutMs: spec.timeout * 1000,
    maxAttempts: spec.retries.max_attempts,
    backoffSeconds: spec.retries.backoff,
    maxRetryAfterMs: (options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS) * 1000,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    budget: options.budget,
  };
  const authenticator = createAuthenticator(auth, policy);
  const warn = (message: string) => options.onWarning?.(redactor.redact(message));
  const paginator = createPaginator(spec.paginator, warn);
  const bodyPaths = paginatorPaths(spec.paginator);
  const baseHeaders = new Headers({ accept: "application/json" });
  for (const [name, value] of headerEntries) baseHeaders.set(name, value);

  for (const [name, value] of params) url.searchParams.set(name, value);
  for (const [name, value] of Object.entries(options.extraParams ?? {})) url.searchParams.set(name, String(value));
  paginator.start(url);
  const origin = url.origin;
  const visited = new Set<string>();

  // Each request under the run's signal and its own (aborted when the request is dropped), its retries' waits too.
  const requests = new RequestsAhead((target, dropped) => {
    const signal = options.signal === undefined ? dropped : AbortSignal.any([options.signal, dropped]);
    return getPage(target, baseHeaders, authenticator, { ...policy, signal, sleep: options.sleep ?? defaultSleep(signal) });
  });
  // Whatever ends the run (its last page, an error, the caller stopping), what is still in flight is aborted.
  try {
    let pending = requests.take(url);
    for (let pageNumber = 1; ; pageNumber++) {
      visited.add(url.href);
      const { response, requestUrl } = await pending;
      // The URL as sent (an api_key in the query included), then redacted.
      const redactedUrl = redactor.redact(requestUrl);
      const { count, scan, parse, recordBytes, valueAt } = readPage(response, spec.data_path, bodyPaths, redactedUrl, options.scanRecords);
      const after = nextStep(
        paginator.next({ url, headers: response.headers, count, valueAt }),
        { origin, visited, pageNumber, pageLimit: spec.page_limit, redactor, warn },
      );
      if (after.kind === "fetch" && options.prefetch) {
        pending = requests.take(after.url);
        requests.keep(pagesAhead(after.url, pageNumber + 1, pagesAheadAfter(response.body.size)));
      }
      options.onPage?.({ page: pageNumber, url: redactedUrl, records: count });
      yield {
        count,
        get records() {
          return parse().records;
        },
        get bodyText() {
          return response.body.text;
        },
        url: redactedUrl,
        pageNumber,
        ...(recordBytes === undefined ? {} : { recordBytes }),
        ...(scan === undefined ? {} : { scan }),
      };

      switch (after.kind) {
        case "stop":
          return;
        case "error":
          throw after.error;
        case "fetch":
          if (!options.prefetch) pending = requests.take(after.url);
          url = after.url;
          break;
        default: {
          const unreachable: never = after;
          throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
        }
      }
    }
  } finally {
    requests.close();
  }

  /** Up to `count` pages after page `number` (at `next`) the paginator can tell, on its origin and within page_limit. */
  function pagesAhead(next: URL, number: number, count: number): URL[] {
    const urls: URL[] = [];
    for (let k = 1; k <= count && number + k <= spec.page_limit; k++) {
      const later = paginator.ahead?.(next, k);
      if (later === undefined || later.origin !== origin) break;
      urls.push(later);
    }
    return urls;
  }
}

interface ReadPage {
  count: number;
  scan: RecordScan | undefined;
  /** The body and its records, parsed on first call. */
  parse: () => { body: unknown; records: unknown[] };
  recordBytes: Buffer | undefined;
  /** A value in the body, for the paginator. */
  valueAt: (path: string) => PathLookup;
}

/**
 * A page's records: counted from their array's bytes where `scanRecords` can (countedArray),
 * else parsed at once (so malformed JSON fails on its page).
 */
function readPage(response: HttpResponse, dataPath: string | undefined, bodyPaths: readonly string[], redactedUrl: string, scanRecords: FetchPagesOptions["scanRecords"]): ReadPage {
  const bytes = response.body.bytes;
  const counted = bytes === undefined || scanRecords === undefined ? undefined : countedArray(bytes, dataPath, bodyPaths, scanRecords);
  let parsed: { body: unknown; records: unknown[] } | undefined;
  const parse = () => {
    if (parsed !== undefined) return parsed;
    const body = parseJsonBody(response.body.text, redactedUrl, response.attempts);
    parsed = { body, records: recordsFromBody(body, dataPath, redactedUrl, response.attempts) };
    return parsed;
  };
  const valueAt = (path: string): PathLookup => {
    const ranges = counted?.ranges;
    if (bytes === undefined || ranges === undefined || !bodyPaths.includes(path)) return readPath(parse().body, path);
    const range = ranges.get(path);
    return range === undefined ? { found: false } : { found: true, value: JSON.parse(bytes.toString("utf8", range.start, range.end)) };
  };
  const scan = counted?.scan;
  const count = scan?.records ?? parse().records.length;
  // A counted array is the records' (the scan says so).
  const recordBytes = scan !== undefined ? counted?.array : dataPath === undefined && Array.isArray(parse().body) ? bytes : undefined;
  return { count, scan: scan === undefined ? undefined : { records: scan.records, childRows: scan.childRows }, parse, recordBytes, valueAt };
}

/**
 * The records' array in a body's bytes, counted: the body itself, or the array at `dataPath`,
 * found with the paginator's `bodyPaths` (`ranges`) in one walk that counts the array as it
 * passes it. No scan: the bytes hold no array there that scanRecords can count.
 */
function countedArray(
  bytes: Buffer,
  dataPath: string | undefined,
  bodyPaths: readonly string[],
  scanRecords: NonNullable<FetchPagesOptions["scanRecords"]>,
): { scan?: ArrayScan; array?: Buffer; ranges?: Map<string, ByteRange> } {
  if (dataPath === undefined) {
    const scan = scanWholeArray(bytes, (at) => scanRecords(bytes, at));
    return scan === null ? {} : { scan, array: bytes };
  }
  // Arrays scanned at the path, by where they start: a name given twice, the one found is the last.
  const scans = new Map<number, ArrayScan>();
  const ranges = valueRanges(bytes, [dataPath, ...bodyPaths], (path, at) => {
    const scan = path === dataPath ? scanRecords(bytes, at) : null;
    if (scan !== null) scans.set(at, scan);
    return scan?.end ?? null;
  });
  if (ranges === null) return {};
  const found = ranges.get(dataPath);
  const scan = found === undefined ? undefined : scans.get(found.start);
  return found === undefined || scan === undefined ? { ranges } : { scan, array: bytes.subarray(found.start, found.end), ranges };
}

type NextStep = { kind: "stop" } | { kind: "error"; error: ExtractHttpError } | { kind: "fetch"; url: URL };

/** What follows a page: the next URL, a safe stop, or an error (raised after the page is yielded). */
function nextStep(
  next: URL | undefined,
  ctx: { origin: string; visited: Set<string>; pageNumber: number; pageLimit: number; redactor: Redactor; warn: (m: string) => void },
): NextStep {
  if (next === undefined) return { kind: "stop" };
  const redactedNext = ctx.redactor.redact(next.href);
  if (next.origin !== ctx.origin) {
    // Credentials and secret headers are meant for base_url's server only.
    const message = `next page ${redactedNext} is not on ${ctx.origin} (base_url); refusing to follow it`;
    return { kind: "error", error: new ExtractHttpError(message, { url: redactedNext, attempts: 0 }) };
  }
  if (ctx.visited.has(next.href)) {
    ctx.warn(`next page ${next.href} was already fetched; stopping`);
    return { kind: "stop" };
  }
  if (ctx.pageNumber >= ctx.pageLimit) {
    const message = `paginator did not stop after ${ctx.pageLimit} pages (page_limit); next was ${redactedNext}`;
    return { kind: "error", error: new ExtractHttpError(message, { url: redactedNext, attempts: 0 }) };
  }
  return { kind: "fetch", url: next };
}

/** GET one page; on a 401 with refreshable credentials, refresh once and try again. */
async function getPage(
  url: URL,
  baseHeaders: Headers,
  authenticator: Authenticator,
  policy: RequestPolicy,
): Promise<{ response: HttpResponse; requestUrl: string }> {
  const send = async (): Promise<{ request: HttpRequest; response: HttpResponse }> => {
    const requestUrl = new URL(url);
    const headers = new Headers(baseHeaders);
    await authenticator.apply(requestUrl, headers);
    const request: HttpRequest = { method: "GET", url: requestUrl.href, headers };
    return { request, response: await requestWithRetries(request, policy) };
  };
  let { request, response } = await send();
  let attempts = response.attempts;
  if (response.status === 401 && authenticator.invalidate(request.headers)) {
    ({ request, response } = await send());
    attempts += response.attempts;
  }
  const total = { ...response, attempts };
  if (response.status < 200 || response.status >= 300) throw statusError(request, total, policy.redactor);
  return { response: total, requestUrl: request.url };
}
