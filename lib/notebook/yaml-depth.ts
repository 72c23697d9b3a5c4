// How deeply a YAML text nests, measured on the yaml library's lexer (a state machine, safe
// on any input) before the text reaches its composer, which recurses once per level: a few
// hundred levels overflow the stack, and near that point V8 has been seen to abort the whole
// process (a fatal out-of-memory in its RegExp compiler), which no try/catch can stop.
import { CST, Lexer } from "yaml";

/** Nesting the composer is given; configs nest a handful of levels. */
export const MAX_YAML_DEPTH = 64;

/**
 * The offset in `text` where nesting passes MAX_YAML_DEPTH, or undefined. The measure is an
 * upper bound of the real depth within a factor of two: open flow collections, plus the
 * block indicators (`-`, `?`, `:`) on the line, plus half the line's indentation (block
 * nesting needs at least one more space per level).
 */
export function overDeepOffset(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    // Markers the lexer inserts (document start, scalar follows, flow error) are not in the text.
    if (type === "doc-mode" || type === "scalar" || type === "flow-error-end") {
      scalarNext = type === "scalar";
      continue;
    }
    const start = offset;
    offset += token.length;
    if (scalarNext) {
      // The scalar's own text (a block scalar's lines look like spaces to tokenType).
      scalarNext = false;
      lineStart = token.endsWith("\n");
      if (lineStart) resetLine();
      continue;
    }
    if (type === "newline") {
      resetLine();
      lineStart = true;
      continue;
    }
    if (type === "space") {
      if (lineStart) indent = token.replace(/[^ ]/g, "").length;
      continue;
    }
    if (type === "flow-seq-start" || type === "flow-map-start") flow++;
    else if (type === "flow-seq-end" || type === "flow-map-end") flow = Math.max(0, flow - 1);
    // Inside a flow collection `:` separates a key from its value: not a level.
    else if (flow === 0 && (type === "seq-item-ind" || type === "explicit-key-ind" || type === "map-value-ind")) indicators++;
    lineStart = false;
    if (flow + indicators + Math.ceil(indent / 2) > MAX_YAML_DEPTH) return start;
  }
  return undefined;

  function resetLine(): void {
    indent = 0;
    indicators = 0;
  }
}
