// Where to go after signing in: a path on this origin only. Browsers drop tabs and newlines
// from URLs and read `\` as `/`, so `/\t/evil.example` would become `//evil.example`; the
// value is normalized as a browser would, then must still be a same-origin path.
const PROBE_ORIGIN = "http://assetbook.invalid";

export function safeRedirectPath(value: unknown, fallback: string): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.length > 2_000) return fallback;
  // Control characters (tab, newline, NUL, …) and backslashes have no place in a path we issue.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== PROBE_ORIGIN || url.pathname.startsWith("//")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}
