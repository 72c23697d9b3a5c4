// Splitting comma lists at the top level: commas inside (), [], {} or quotes do not split.

export interface Piece {
  text: string;
  /** Offset of the first non-blank character of `text` in the input. */
  offset: number;
}

export function splitTopLevel(input: string, separator = ","): Piece[] {
  const pieces: Piece[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  const push = (end: number) => {
    const raw = input.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    pieces.push({ text: raw.trim(), offset: start + lead });
  };
  for (let i = 0; i < input.length; i++) {
    const ch = input[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === "(" || ch === "[" || ch === "{") {
      depth++;
    } else if (ch === ")" || ch === "]" || ch === "}") {
      depth = Math.max(0, depth - 1);
    } else if (ch === separator && depth === 0) {
      push(i);
      start = i + 1;
    }
  }
  push(input.length);
  return pieces;
}
