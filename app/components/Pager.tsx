// Previous and next links under a long list; a link that leads nowhere is not drawn.
import Link from "next/link";

export function Pager({ label, previous, next, previousLabel = "← Previous", testId }: { label: string; previous?: string; next?: string; previousLabel?: string; testId?: string }) {
  return (
    <nav className="pager" aria-label="Pages" data-testid={testId}>
      <span className="muted">{label}</span>
      {previous ? (
        <Link className="btn" href={previous} prefetch={false} rel="prev">
          {previousLabel}
        </Link>
      ) : null}
      {next ? (
        <Link className="btn" href={next} prefetch={false} rel="next">
          Next →
        </Link>
      ) : null}
    </nav>
  );
}

/** `path` with `params` (empty values dropped) as its query string. */
export function withQuery(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== "") query.set(key, String(value));
  const text = query.toString();
  return text === "" ? path : `${path}?${text}`;
}
