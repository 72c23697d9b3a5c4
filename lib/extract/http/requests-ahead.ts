// Page requests made before the paginator asks for them (fetchPages' prefetch): the page it
// will read next, and where it can tell them (Paginator.ahead) the few after it, in flight
// together. A remote API answers each request after a round trip; one at a time, those
// round trips are most of a run. A request the paginator does not ask for after all (a short
// page ended the run early, or it chose another URL) is aborted and its outcome dropped.

/** Requests in flight at most while prefetching: the page read next and the ones after it. */
export const PREFETCH_DEPTH = 4;

/**
 * Bytes the pages in flight may hold together, judged by the last page's size: a request made
 * ahead reads its whole body (its retries need it), and a body may be up to the response cap.
 */
export const AHEAD_BYTES = 16 * 1024 * 1024;

/** How many pages to request after the next one, when the last page held `bytes`: up to PREFETCH_DEPTH - 1, none for pages of AHEAD_BYTES / 2 or more. */
export function pagesAheadAfter(bytes: number): number {
  return Math.max(0, Math.min(PREFETCH_DEPTH - 1, Math.floor(AHEAD_BYTES / Math.max(1, bytes)) - 1));
}

interface InFlight<T> {
  href: string;
  pending: Promise<T>;
  controller: AbortController;
}

export class RequestsAhead<T> {
  /** The requests made ahead, in the order they will be read. */
  private queue: InFlight<T>[] = [];
  /** The request taken last, until the next is taken (aborted with the rest when the run stops). */
  private taken: InFlight<T> | undefined;

  /** `request` makes one request, under the signal it is given (dropping it aborts that signal). */
  constructor(private readonly request: (url: URL, signal: AbortSignal) => Promise<T>) {}

  /** The request for `url`: the one made ahead for it, or a new one (those made ahead for other URLs are dropped). */
  take(url: URL): Promise<T> {
    const head = this.queue[0];
    if (head?.href === url.href) this.queue.shift();
    else this.drop();
    this.taken = head?.href === url.href ? head : this.start(url);
    return this.taken.pending;
  }

  /** Requests `urls` ahead, in this order, after the one taken; those already made for them are kept, any other dropped. */
  keep(urls: readonly URL[]): void {
    let same = 0;
    while (same < urls.length && same < this.queue.length && this.queue[same]?.href === urls[same]?.href) same++;
    for (const stale of this.queue.splice(same)) stale.controller.abort();
    for (const url of urls.slice(same)) this.queue.push(this.start(url));
  }

  /** Aborts the requests made ahead. */
  drop(): void {
    for (const stale of this.queue.splice(0)) stale.controller.abort();
  }

  /** Aborts every request still in flight, the one taken last included (the run stopped). */
  close(): void {
    this.drop();
    this.taken?.controller.abort();
    this.taken = undefined;
  }

  private start(url: URL): InFlight<T> {
    const controller = new AbortController();
    const pending = this.request(url, controller.signal);
    // Awaited when taken; one dropped is never awaited, and its failure must not count as unhandled.
    pending.catch(() => undefined);
    return { href: url.href, pending, controller };
  }
}
