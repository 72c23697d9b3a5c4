// An instant as the app's pages show it: `2026-12-04 08:00:00 UTC`.
export function utcTime(at: Date): string {
  return `${at.toISOString().replace("T", " ").slice(0, 19)} UTC`;
}
