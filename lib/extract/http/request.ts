// One HTTP request with a timeout, retried on 429, 5xx and network errors, through the
// outbound policy, its body read up to a cap.
import type { BudgetLease } from "../budget";
import { readBody, ResponseLimitError, ERROR_BODY_BYTES, type ResponseBody } from "./body";
import { bodySnippet, ExtractHttpError } from "./errors";
import { denialOf, type OutboundFetch, type OutboundResponse } from "../../outbound";
import type { Redactor } from "../../secrets/secrets";

export interface HttpRequest {
  method: "GET" | "POST";
  url: string;
  headers: Headers;
  body?: string;
}

/** A response that is final: success, or a status that retrying will not fix. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: ResponseBody;
  /** Requests made for this response, retries included. */
  attempts: number;
}

export type Sleep = (ms: number) => Promise<void>;

export interface RequestPolicy {
  /** fetch under the outbound policy (lib/outbound): every connection is checked. */
  fetch: OutboundFetch;
  sleep: Sleep;
  random: () => number;
  redactor: Redactor;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  maxAttempts: number;
  backoffSeconds: number;
  maxRetryAfterMs: number;
  /** Cap on one successful response's body; a larger one fails the request. */
  maxResponseBytes: number;
  /** The server's preview budget, when this is a preview. */
  budget: BudgetLease | undefined;
}

const MAX_BACKOFF_MS = 5 * 60 * 1000;

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Full jitter: a random wait in [0, base * 2^retry). `retry` counts from 0. */
export function backoffDelayMs(retry: number, backoffSeconds: number, random: () => number): number {
  return Math.min(MAX_BACKOFF_MS, random() * backoffSeconds * 1000 * 2 ** retry);
}

/** `Retry-After` as milliseconds (delta seconds or an HTTP date), capped; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null, maxMs: number, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, maxMs);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return `timed out after ${timeoutMs / 1000} s`;
    // A connection's failure, or its cause where something wrapped it.
    const failure = error.cause instanceof Error ? error.cause : error;
    const code = "code" in failure && typeof failure.code === "string" ? failure.code : undefined;
    return code !== undefined ? `${code} (${failure.message})` : failure.message;
  }
  return String(error);
}

/** The start of a body for a message, redacted before it is cut (a cut could leave half a secret unrecognised). */
function snippetOf(text: string, redactor: Redactor): string {
  return bodySnippet(redactor.redact(text));
}

function describeStatus(response: OutboundResponse, text: string, redactor: Redactor): string {
  const snippet = snippetOf(text, redactor);
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}${snippet ? `: ${snippet}` : ""}`;
}

export async function requestWithRetries(request: HttpRequest, policy: RequestPolicy): Promise<HttpResponse> {
  const redactedUrl = policy.redactor.redact(request.url);
  let lastFailure = "";
  let lastStatus: number | undefined;
  for (let attempt = 1; ; attempt++) {
    policy.signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(policy.timeoutMs);
    const signal = policy.signal ? AbortSignal.any([policy.signal, timeout]) : timeout;
    let waitMs: number | undefined;
    try {
      const response = await fetchFollowingSameOrigin(request, signal, policy);
      const ok = response.status >= 200 && response.status < 300;
      // Also under the timeout. An error body is read only as far as its snippet needs.
      const body = await readBody(response, {
        maxBytes: ok ? policy.maxResponseBytes : Math.min(ERROR_BODY_BYTES, policy.maxResponseBytes),
        overflow: ok ? "fail" : "truncate",
        budget: policy.budget,
      });
      if (!isRetryableStatus(response.status)) {
        return { status: response.status, headers: response.headers, body, attempts: attempt };
      }
      lastStatus = response.status;
      lastFailure = describeStatus(response, body.text, policy.redactor);
      waitMs = retryAfterMs(response.headers.get("retry-after"), policy.maxRetryAfterMs);
    } catch (error) {
      // The caller cancelled: stop now, no retry.
      if (policy.signal?.aborted) throw policy.signal.reason;
      // Refusals that a retry cannot change: a redirect off the origin, an address the outbound policy denies, a body past its cap.
      const final = error instanceof CrossOriginRedirectError || error instanceof ResponseLimitError ? error : denialOf(error);
      if (final !== undefined) {
        throw new ExtractHttpError(policy.redactor.redact(`${request.method} ${request.url}: ${final.message}`), {
          url: redactedUrl,
          attempts: attempt,
        });
      }
      lastStatus = undefined;
      lastFailure = describeFailure(error, policy.timeoutMs);
    }
    if (attempt >= policy.maxAttempts) {
      throw new ExtractHttpError(
        policy.redactor.redact(
          `${request.method} ${request.url} failed after ${attempt} attempt${attempt === 1 ? "" : "s"}; last error: ${lastFailure}`,
        ),
        { url: redactedUrl, status: lastStatus, attempts: attempt },
      );
    }
    await policy.sleep(waitMs ?? backoffDelayMs(attempt - 1, policy.backoffSeconds, policy.random));
  }
}

const MAX_REDIRECTS = 5;

class CrossOriginRedirectError extends Error {}

/**
 * Follows redirects ourselves, and only within the origin: fetch would carry custom
 * headers (an api_key) along to any host a redirect names.
 */
async function fetchFollowingSameOrigin(request: HttpRequest, signal: AbortSignal, policy: RequestPolicy): Promise<OutboundResponse> {
  let { method, body } = request;
  let url = request.url;
  // A plain record: the global Headers class and undici's are not the same type.
  const headers = Object.fromEntries(request.headers.entries());
  for (let redirects = 0; ; redirects++) {
    const response = await policy.fetch(url, { method, headers, body, signal });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    response.cancel();
    const target = URL.canParse(location, url) ? new URL(location, url) : undefined;
    if (target === undefined || target.origin !== new URL(request.url).origin || redirects >= MAX_REDIRECTS) {
      const why = redirects >= MAX_REDIRECTS ? `more than ${MAX_REDIRECTS} redirects` : `a redirect to ${location}`;
      throw new CrossOriginRedirectError(`${why} (only redirects within the same origin are followed)`);
    }
    // 303, and 301/302 after a POST, turn into a GET (as browsers do).
    if (response.status === 303 || (method === "POST" && (response.status === 301 || response.status === 302))) {
      method = "GET";
      body = undefined;
    }
    url = target.href;
  }
}

/** The error for a final non-success response (a 4xx that retrying will not fix). */
export function statusError(request: HttpRequest, response: HttpResponse, redactor: Redactor, what = ""): ExtractHttpError {
  const snippet = snippetOf(response.body.text, redactor);
  const message = `${what}${request.method} ${request.url} returned HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`;
  return new ExtractHttpError(redactor.redact(message), {
    url: redactor.redact(request.url),
    status: response.status,
    attempts: response.attempts,
  });
}
