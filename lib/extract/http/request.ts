// One HTTP request with a timeout, retried on 429, 5xx and network errors.
import { bodySnippet, ExtractHttpError } from "./errors";
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
  text: string;
  /** Requests made for this response, retries included. */
  attempts: number;
}

export type Sleep = (ms: number) => Promise<void>;

export interface RequestPolicy {
  fetchImpl: typeof fetch;
  sleep: Sleep;
  random: () => number;
  redactor: Redactor;
  signal: AbortSignal | undefined;
  timeoutMs: number;
  maxAttempts: number;
  backoffSeconds: number;
  maxRetryAfterMs: number;
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
    const cause: unknown = error.cause;
    if (cause instanceof Error) {
      const code = "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
      return code !== undefined ? `${code} (${cause.message})` : cause.message;
    }
    return error.message;
  }
  return String(error);
}

function describeStatus(response: Response, text: string): string {
  const snippet = bodySnippet(text);
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
      const text = await response.text(); // also under the timeout
      if (!isRetryableStatus(response.status)) {
        return { status: response.status, headers: response.headers, text, attempts: attempt };
      }
      lastStatus = response.status;
      lastFailure = describeStatus(response, text);
      waitMs = retryAfterMs(response.headers.get("retry-after"), policy.maxRetryAfterMs);
    } catch (error) {
      // The caller cancelled: stop now, no retry.
      if (policy.signal?.aborted) throw policy.signal.reason;
      if (error instanceof CrossOriginRedirectError) {
        throw new ExtractHttpError(policy.redactor.redact(`${request.method} ${request.url}: ${error.message}`), {
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
async function fetchFollowingSameOrigin(request: HttpRequest, signal: AbortSignal, policy: RequestPolicy): Promise<Response> {
  let { method, body } = request;
  let url = request.url;
  for (let redirects = 0; ; redirects++) {
    const response = await policy.fetchImpl(url, { method, headers: request.headers, body, signal, redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
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
  const snippet = bodySnippet(response.text);
  const message = `${what}${request.method} ${request.url} returned HTTP ${response.status}${snippet ? `: ${snippet}` : ""}`;
  return new ExtractHttpError(redactor.redact(message), {
    url: redactor.redact(request.url),
    status: response.status,
    attempts: response.attempts,
  });
}
