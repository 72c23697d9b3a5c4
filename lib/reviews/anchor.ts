// Where a line comment sits in a later revision, pure. A comment is written on a line of a
// cell's code in one revision; in a later one it follows that line through the edits around
// it (lines inserted above move it down), and it is outdated when the line itself was
// changed or removed, or the cell is gone.
import { diffArrays } from "diff";

export function codeLines(code: string): string[] {
  return code.replace(/\r\n?/g, "\n").replace(/\n$/, "").split("\n");
}

/** The 1-based line in `after` that is `line` of `before`, unchanged; null when it was edited or removed. */
export function followLine(before: string, after: string, line: number): number | null {
  const oldLines = codeLines(before);
  if (line < 1 || line > oldLines.length) return null;
  let oldIndex = 0;
  let newIndex = 0;
  for (const part of diffArrays(oldLines, codeLines(after))) {
    const count = part.value.length;
    if (part.added) {
      newIndex += count;
      continue;
    }
    if (line - 1 < oldIndex + count) return part.removed ? null : newIndex + (line - 1 - oldIndex) + 1;
    oldIndex += count;
    if (!part.removed) newIndex += count;
  }
  return null;
}

export interface LineAnchor {
  /** The revision the comment was written on. */
  revision: number;
  line: number;
}

export type Placement = { outdated: false; line: number } | { outdated: true; line: number; revision: number };

/**
 * Places a comment on `revision`'s code of its cell. `codeAt(n)` is the cell's code in
 * revision n (null: the cell is not in it). The line is followed revision by revision, so a
 * line edited and then restored stays outdated: the conversation was about the old line.
 */
export function placeComment(anchor: LineAnchor, revision: number, codeAt: (revision: number) => string | null): Placement {
  const outdated: Placement = { outdated: true, line: anchor.line, revision: anchor.revision };
  let line = anchor.line;
  let code = codeAt(anchor.revision);
  if (code === null) return outdated;
  for (let next = anchor.revision + 1; next <= revision; next++) {
    const nextCode = codeAt(next);
    if (nextCode === null) return outdated;
    const followed = followLine(code, nextCode, line);
    if (followed === null) return outdated;
    line = followed;
    code = nextCode;
  }
  return { outdated: false, line };
}
