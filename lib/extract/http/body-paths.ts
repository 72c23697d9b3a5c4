// Where values lie in a JSON body, found from its bytes without building it. Most APIs wrap
// a page's records (`{"data": [...], "next": "..."}`); parsing such a body to find them, and
// writing the records again to spool them, cost the run more than everything else it did in
// JavaScript. The walk checks the whole body as JSON.parse does, so a body it accepts parses,
// and what it finds is what readPath finds in the parsed body.
import { isBlank, skipString, skipValue } from "../normalize/json-scan";

export interface ByteRange {
  start: number;
  end: number;
}

/** A dotted path's segment matches an object's member by name, an array's element by index (readPath's rules). */
function matches(segment: string, name: string | number): boolean {
  return typeof name === "string" ? segment === name : /^\d+$/.test(segment) && Number(segment) === name;
}

/** A member's name, its quotes at `start` and `end - 1` (escapes decoded only where there are some). */
function memberName(bytes: Uint8Array, start: number, end: number): string {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
  return raw.includes(0x5c) ? String(JSON.parse(raw.toString("utf8"))) : raw.toString("utf8", 1, raw.length - 1);
}

/**
 * Where the values at `paths` (dotted, as readPath reads them: a number indexes an array) lie
 * in the JSON text `bytes` (valid UTF-8, no byte order mark), as JSON.parse leaves them: a
 * member named twice is its last value (and what lay under the first is gone). A path not
 * found has no range. Null when the bytes are not valid JSON. `readAt` may read a value found
 * at a path itself (a records' array, counted as it is passed): it returns where the value
 * ends, or null to leave it to the walk.
 */
export function valueRanges(bytes: Uint8Array, paths: readonly string[], readAt?: (path: string, at: number) => number | null): Map<string, ByteRange> | null {
  const found = new Map<string, ByteRange>();
  const targets = paths.map((path) => ({ path, segments: path.split(".") }));
  type Target = (typeof targets)[number];

  /** Past the value at `at` (no blank before it) whose path's first `depth` segments `matching` share; -1: not JSON. */
  const value = (at: number, depth: number, matching: readonly Target[]): number => {
    // A value here replaces what an earlier one at this path held.
    for (const target of matching) found.delete(target.path);
    const deeper = matching.filter((target) => target.segments.length > depth);
    const exact = matching.find((target) => target.segments.length === depth);
    const read = deeper.length === 0 && exact !== undefined ? readAt?.(exact.path, at) : null;
    const end = read ?? (deeper.length === 0 ? skipValue(bytes, at) : container(at, depth, deeper));
    if (end < 0) return -1;
    for (const target of matching) if (target.segments.length === depth) found.set(target.path, { start: at, end });
    return end;
  };

  /** Past the value at `at`, looking into it (an object's members, an array's elements) for `deeper`. */
  const container = (at: number, depth: number, deeper: readonly Target[]): number => {
    const open = bytes[at];
    if (open !== 0x7b && open !== 0x5b) return skipValue(bytes, at);
    const object = open === 0x7b;
    const close = object ? 0x7d : 0x5d;
    let i = at + 1;
    while (isBlank(bytes[i])) i++;
    if (bytes[i] === close) return i + 1;
    for (let index = 0; ; index++) {
      let name: string | number = index;
      if (object) {
        if (bytes[i] !== 0x22) return -1;
        const nameEnd = skipString(bytes, i);
        if (nameEnd < 0) return -1;
        name = memberName(bytes, i, nameEnd);
        i = nameEnd;
        while (isBlank(bytes[i])) i++;
        if (bytes[i] !== 0x3a) return -1;
        i++;
        while (isBlank(bytes[i])) i++;
      }
      const here = name;
      i = value(i, depth + 1, deeper.filter((target) => matches(target.segments[depth] ?? "", here)));
      if (i < 0) return -1;
      while (isBlank(bytes[i])) i++;
      if (bytes[i] === close) return i + 1;
      if (bytes[i] !== 0x2c) return -1;
      i++;
      while (isBlank(bytes[i])) i++;
    }
  };

  let i = 0;
  while (isBlank(bytes[i])) i++;
  i = value(i, 0, targets);
  if (i < 0) return null;
  while (isBlank(bytes[i])) i++;
  return i === bytes.length ? found : null;
}
