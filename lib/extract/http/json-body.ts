// Reading a JSON response: parse with a located error, follow a dotted path to the records.
import { ExtractHttpError } from "./errors";
import { isRecord } from "../../guards";

export function parseJsonBody(text: string, redactedUrl: string, attempts: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const position = jsonErrorPosition(text);
    const { line, column } = lineAndColumn(text, position);
    throw new ExtractHttpError(
      `malformed JSON from ${redactedUrl} at line ${line}, column ${column} (position ${position})`,
      { url: redactedUrl, attempts },
    );
  }
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  return { line, column: position - before.lastIndexOf("\n") };
}

/**
 * Where JSON.parse gave up. V8's messages only sometimes carry a position, so we find
 * it with a small validating scanner (run only on failure).
 */
export function jsonErrorPosition(text: string): number {
  let pos = 0;
  class Stop extends Error {}
  const fail = (): never => {
    throw new Stop();
  };
  const skip = () => {
    while (pos < text.length && /[ \t\n\r]/.test(text.charAt(pos))) pos++;
  };
  const expectLiteral = (word: string) => {
    for (const char of word) {
      if (text.charAt(pos) !== char) fail();
      pos++;
    }
  };
  const string = () => {
    pos++;
    while (pos < text.length) {
      const char = text.charAt(pos);
      if (char === '"') return void pos++;
      if (char < " ") fail();
      if (char === "\\") {
        pos++;
        const escape = text.charAt(pos);
        if (escape === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 1, pos + 5))) fail();
          pos += 4;
        } else if (!'"\\/bfnrt'.includes(escape) || escape === "") fail();
      }
      pos++;
    }
    fail();
  };
  const numberPattern = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y; // sticky: no slicing of big bodies
  const number = () => {
    numberPattern.lastIndex = pos;
    const match = numberPattern.exec(text);
    if (match === null) fail();
    else pos += match[0].length;
  };
  const value = (): void => {
    skip();
    const char = text.charAt(pos);
    if (char === "{") return container("}", true);
    if (char === "[") return container("]", false);
    if (char === '"') return string();
    if (char === "t") return expectLiteral("true");
    if (char === "f") return expectLiteral("false");
    if (char === "n") return expectLiteral("null");
    if (char === "-" || /\d/.test(char)) return number();
    fail();
  };
  const container = (close: string, isObject: boolean) => {
    pos++;
    skip();
    if (text.charAt(pos) === close) return void pos++;
    for (;;) {
      if (isObject) {
        skip();
        if (text.charAt(pos) !== '"') fail();
        string();
        skip();
        if (text.charAt(pos) !== ":") fail();
        pos++;
      }
      value();
      skip();
      if (text.charAt(pos) === close) return void pos++;
      if (text.charAt(pos) !== ",") fail();
      pos++;
    }
  };
  try {
    value();
    skip();
    return pos < text.length ? pos : text.length;
  } catch (error) {
    // RangeError: nesting deeper than our stack; the position reached is the best we know.
    if (error instanceof Stop || error instanceof RangeError) return pos;
    throw error;
  }
}

export type PathLookup = { found: true; value: unknown } | { found: false };

/** Follows `results.items` (a numeric segment indexes an array). */
export function readPath(body: unknown, dottedPath: string): PathLookup {
  let current: unknown = body;
  for (const segment of dottedPath.split(".")) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) {
      const index = Number(segment);
      if (index >= current.length) return { found: false };
      current = current[index];
    } else if (isRecord(current) && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: current };
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * The records of one page: at `dataPath`, or the body itself. An array holds the records; an
 * object is one record (a stats endpoint, a profile: dlt loads it as one row too).
 */
export function recordsFromBody(
  body: unknown,
  dataPath: string | undefined,
  redactedUrl: string,
  attempts: number,
): unknown[] {
  if (dataPath === undefined) {
    if (Array.isArray(body)) return body;
    if (isRecord(body)) return [body];
    throw new ExtractHttpError(
      `the response from ${redactedUrl} is ${describeType(body)}, not a record or an array of records; set data_path to where the records are`,
      { url: redactedUrl, attempts },
    );
  }
  const lookup = readPath(body, dataPath);
  if (!lookup.found) {
    throw new ExtractHttpError(`data_path "${dataPath}" not found in the response from ${redactedUrl}`, {
      url: redactedUrl,
      attempts,
    });
  }
  if (Array.isArray(lookup.value)) return lookup.value;
  if (isRecord(lookup.value)) return [lookup.value];
  throw new ExtractHttpError(
    `data_path "${dataPath}" is ${describeType(lookup.value)}, not a record or an array of records, in the response from ${redactedUrl}`,
    { url: redactedUrl, attempts },
  );
}
