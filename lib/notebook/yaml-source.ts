// YAML parsing with positions in the notebook file: a YAML text (front matter or a
// cell body) starts at some file line, and errors must point at the file's line.
import { isMap, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { formatSize, lineOverLimit, MAX_ISSUES_PER_TEXT, MAX_YAML_ALIASES, MAX_YAML_BYTES } from "./limits";
import { MAX_YAML_DEPTH, overDeepOffset } from "./yaml-depth";

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

/** `firstLine` is the 1-based file line of the first line of `text`. Never throws: whatever the yaml library refuses is a problem. */
export function parseYamlAt(text: string, firstLine: number): YamlSource {
  const lineCounter = new LineCounter();
  const toFile = (offset: number): FilePosition => {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + firstLine - 1, column: pos.col };
  };
  const overLine = lineOverLimit(text, MAX_YAML_BYTES);
  if (overLine !== undefined) {
    const line = firstLine + overLine - 1;
    return unreadable({ line, column: 1, message: `larger than ${formatSize(MAX_YAML_BYTES)} (it passes the limit at this line); keep front matter and cell configs small` }, firstLine);
  }
  const tooDeep = overDeepOffset(text);
  if (tooDeep !== undefined) {
    return unreadable({ ...offsetPosition(text, tooDeep, firstLine), message: `nested deeper than ${MAX_YAML_DEPTH} levels` }, firstLine);
  }
  let doc: Document;
  try {
    // Duplicate keys are found below in one pass: the library's check compares each key with
    // every earlier one, seconds for a map of a few thousand keys.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  } catch (error) {
    return unreadable({ line: firstLine, column: 1, message: `the YAML cannot be read: ${errorMessage(error)}` }, firstLine);
  }
  const problems: YamlProblem[] = doc.errors.map((error) => ({ ...toFile(errorOffset(doc, error.code, error.pos[0])), message: yamlMessage(error.message) }));
  problems.push(...duplicateKeys(doc).map((offset) => ({ ...toFile(offset), message: "Map keys must be unique" })));
  if (problems.length > MAX_ISSUES_PER_TEXT) {
    const more = problems.length - MAX_ISSUES_PER_TEXT;
    problems.length = MAX_ISSUES_PER_TEXT;
    problems.push({ ...(problems[MAX_ISSUES_PER_TEXT - 1] ?? toFile(0)), message: `${more} more problem${more === 1 ? "" : "s"} not shown` });
  }
  // A NUL character in the text itself is the notebook's issue (lib/notebook/limits.ts); here, one written as an escape.
  if (problems.length === 0 && !text.includes("\u0000")) problems.push(...nulScalars(doc).map((offset) => ({ ...toFile(offset), message: "a NUL character (\\0) is not allowed in a value" })));
  let value: unknown = undefined;
  if (problems.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
    } catch (error) {
      // The yaml library throws (a ReferenceError) when aliases expand past the cap.
      const position = firstAliasOffset(doc);
      problems.push({ ...(position === undefined ? { line: firstLine, column: 1 } : toFile(position)), message: aliasMessage(error) });
    }
  }
  return {
    value,
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

function unreadable(problem: YamlProblem, firstLine: number): YamlSource {
  const start = { line: firstLine, column: 1 };
  return { value: undefined, problems: [problem], locate: () => start, locateInScalar: () => start };
}

/** The file position of an offset in a YAML text that starts at `firstLine` (before the library has counted its lines). */
function offsetPosition(text: string, offset: number, firstLine: number): FilePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: firstLine + before.split("\n").length - 1, column: offset - lineStart + 1 };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function aliasMessage(error: unknown): string {
  if (error instanceof ReferenceError && /alias/i.test(error.message)) {
    return `aliases (*name) expand too much (more than ${MAX_YAML_ALIASES} uses, weighted by what they point at); write the values out`;
  }
  return `the YAML cannot be read: ${errorMessage(error)}`;
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** Offsets of the keys that repeat an earlier key of their map (scalar keys compared by value, as the library does). */
function duplicateKeys(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        if (seen.has(pair.key.value)) offsets.push(pair.key.range?.[0] ?? 0);
        else seen.add(pair.key.value);
      }
    },
  });
  return offsets;
}

/** Offsets of the keys and values whose text holds a NUL (YAML spells it "\\0" in double quotes). */
function nulScalars(doc: Document): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && node.value.includes("\u0000")) offsets.push(node.range?.[0] ?? 0);
    },
  });
  return offsets;
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
