// YAML parsing with positions in the notebook file: a YAML text (front matter or a
// cell body) starts at some file line, and errors must point at the file's line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";

export interface FilePosition {
  line: number;
  column: number;
}

export interface YamlProblem extends FilePosition {
  message: string;
}

export type YamlPath = readonly PropertyKey[];

export interface YamlSource {
  /** The plain JavaScript value (undefined for an empty text or a syntax error). */
  value: unknown;
  /** Syntax errors, at file positions. */
  problems: YamlProblem[];
  /** File position of the key (or item) at `path`, or of its closest existing ancestor. */
  locate(path: YamlPath): FilePosition;
  /** File position of a character offset inside the scalar at `path` (for errors inside a string). */
  locateInScalar(path: YamlPath, offsetInValue: number): FilePosition;
}

/** `firstLine` is the 1-based file line of the first line of `text`. */
export function parseYamlAt(text: string, firstLine: number): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toFile = (offset: number): FilePosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + firstLine - 1, column: pos.col };
  };
  const problems = doc.errors.map((error) => ({ ...toFile(errorOffset(doc, error.code, error.pos[0])), message: yamlMessage(error.message) }));
  return {
    value: problems.length > 0 ? undefined : doc.toJS(),
    problems,
    locate: (path) => {
      const found = findNode(doc, path);
      return found ? toFile(found.offset) : { line: firstLine, column: 1 };
    },
    locateInScalar: (path, offsetInValue) => {
      const found = findNode(doc, path);
      if (!found) return { line: firstLine, column: 1 };
      const node = found.node;
      const quoted = isScalar(node) && (node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE");
      // Exact for plain and quoted one-line scalars; block scalars point at their start.
      const singleLine = isScalar(node) && (node.type === "PLAIN" || quoted);
      const start = found.node?.range?.[0] ?? found.offset;
      return toFile(start + (singleLine ? offsetInValue + (quoted ? 1 : 0) : 0));
    },
  };
}

// An unclosed quote is reported where the text ends; point at the opening quote instead.
function errorOffset(doc: Document, code: string, offset: number): number {
  if (code !== "MISSING_CHAR") return offset;
  let start = offset;
  visit(doc, {
    Scalar(_key, node) {
      const [from, to] = node.range ?? [0, 0];
      if ((node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE") && from < offset && to >= offset) start = from;
    },
  });
  return start;
}

// The yaml library appends " at line L, column C" (in the YAML text, not the file).
function yamlMessage(message: string): string {
  const first = message.split("\n")[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, "");
}

interface Found {
  node: Node | null;
  offset: number;
}

function findNode(doc: Document, path: YamlPath): Found | undefined {
  let node: unknown = doc.contents;
  let found: Found | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) break;
      const keyOffset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      const value = pair.value;
      const valueNode = isScalar(value) || isMap(value) || isSeq(value) ? value : null;
      found = { node: valueNode, offset: keyOffset ?? found?.offset ?? 0 };
      node = value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (!(isScalar(item) || isMap(item) || isSeq(item))) break;
      found = { node: item, offset: item.range?.[0] ?? found?.offset ?? 0 };
      node = item;
    } else {
      break;
    }
  }
  return found;
}
