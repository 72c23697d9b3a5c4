// What a notebook file may hold before it is parsed at all. One bad file must not take the
// workspace down: every reader parses every notebook (the home page, the catalog sync, the
// scheduler, refresh triggers), so a file too large to parse quickly, a YAML alias bomb or a
// NUL byte (which PostgreSQL text and DuckDB's C API cannot carry) is an issue with its place.
import type { LocatedIssue } from "./scan";

/**
 * A whole notebook file, in UTF-8 bytes: what the editor can save (2,000,000 characters, in ASCII)
 * fits, a 5,000-cell notebook is a fifth of it, and a parse stays within a few seconds.
 */
export const MAX_NOTEBOOK_BYTES = 2 * 1024 * 1024;
/**
 * One YAML text, in UTF-8 bytes: the front matter, and each extract, ML or chart cell. The
 * yaml library reads a few hundred KB a second on unusual shapes (deep flow collections,
 * thousands of flow maps), so one document is kept far below the file's limit.
 */
export const MAX_YAML_BYTES = 64 * 1024;
/**
 * YAML aliases a document may expand (the `yaml` package's `maxAliasCount`: the count of
 * alias uses weighted by the size of what they point at), so `*a` nested ten deep cannot
 * expand to billions of nodes.
 */
export const MAX_YAML_ALIASES = 100;
/** NUL characters reported one by one; the rest are counted in the last message. */
const MAX_NUL_ISSUES = 10;
/** Problems reported for one YAML text (front matter or a cell); the rest are counted. Locating each costs a walk of its map. */
export const MAX_ISSUES_PER_TEXT = 20;

const MIB = 1024 * 1024;
const KIB = 1024;

/** `4 MiB`, `64 KiB`. */
export function formatSize(bytes: number): string {
  if (bytes >= MIB && bytes % MIB === 0) return `${bytes / MIB} MiB`;
  if (bytes >= KIB && bytes % KIB === 0) return `${bytes / KIB} KiB`;
  return `${bytes} bytes`;
}

function utf8Bytes(code: number): number {
  if (code < 0x80) return 1;
  if (code < 0x800) return 2;
  // A surrogate pair is 4 bytes in UTF-8: 2 per half.
  if (code >= 0xd800 && code <= 0xdfff) return 2;
  return 3;
}

/** LF, CR LF (counted at the LF) and a lone CR end a line, as the scanner reads them. */
function isLineBreak(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  return code === 10 || (code === 13 && text.charCodeAt(i + 1) !== 10);
}

/**
 * The 1-based line on which `text` passes `limit` UTF-8 bytes, or undefined when it does
 * not. Counted without encoding (the parser runs in the browser too).
 */
export function lineOverLimit(text: string, limit: number): number | undefined {
  // Every UTF-16 unit is at least one byte: short texts cannot pass the limit.
  if (text.length <= limit / 3) return undefined;
  let bytes = 0;
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    bytes += utf8Bytes(code);
    if (bytes > limit) return line;
    if (isLineBreak(text, i)) line++;
  }
  return undefined;
}

/** The notebook is too large to parse: one issue at the line where it passes the limit. */
export function sizeIssue(text: string): LocatedIssue | undefined {
  const line = lineOverLimit(text, MAX_NOTEBOOK_BYTES);
  if (line === undefined) return undefined;
  return { line, column: 1, message: `the notebook is larger than ${formatSize(MAX_NOTEBOOK_BYTES)} (it passes the limit at this line); split it into smaller notebooks` };
}

/** Each NUL character, at its line and column (CRLF and CR count as one line break, as the scanner reads them). */
export function nulIssues(text: string): LocatedIssue[] {
  let at = text.indexOf("\u0000");
  if (at < 0) return [];
  const issues: LocatedIssue[] = [];
  let count = 0;
  let line = 1;
  // The scanner drops a byte order mark: columns on line 1 start after it.
  let lineStart = text.startsWith("\uFEFF") ? 1 : 0;
  let scanned = 0;
  while (at >= 0) {
    for (; scanned < at; scanned++) {
      if (isLineBreak(text, scanned)) {
        line++;
        lineStart = scanned + 1;
      }
    }
    count++;
    if (issues.length < MAX_NUL_ISSUES) issues.push({ line, column: at - lineStart + 1, message: "a NUL character (U+0000) is not allowed in a notebook" });
    at = text.indexOf("\u0000", at + 1);
  }
  const last = issues[issues.length - 1];
  if (last && count > issues.length) last.message += ` (${count - issues.length} more NUL characters after this one)`;
  return issues;
}
