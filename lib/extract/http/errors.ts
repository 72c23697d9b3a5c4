/**
 * A failed REST extract request. `url` and `message` are already redacted; the caller
 * prefixes the cell name.
 */
export class ExtractHttpError extends Error {
  readonly url: string;
  readonly status: number | undefined;
  readonly attempts: number;

  constructor(message: string, details: { url: string; status?: number; attempts: number }) {
    super(message);
    this.name = "ExtractHttpError";
    this.url = details.url;
    this.status = details.status;
    this.attempts = details.attempts;
  }
}

const SNIPPET_LENGTH = 200;

/** The start of a response body, on one line, for error messages. */
export function bodySnippet(body: string): string {
  const oneLine = body.replace(/\s+/g, " ").trim();
  return oneLine.length > SNIPPET_LENGTH ? `${oneLine.slice(0, SNIPPET_LENGTH)}…` : oneLine;
}
