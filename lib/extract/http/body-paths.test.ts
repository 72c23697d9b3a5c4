import { describe, expect, it } from "vitest";
import { valueRanges } from "./body-paths";
import { readPath } from "./json-body";

/** What valueRanges finds at each path, parsed: it must be what readPath finds in the parsed body. */
function both(text: string, paths: string[]) {
  const bytes = Buffer.from(text);
  const ranges = valueRanges(bytes, paths);
  if (ranges === null) return null;
  const body: unknown = JSON.parse(text);
  for (const path of paths) {
    const range = ranges.get(path);
    const byWalk = range === undefined ? { found: false } : { found: true, value: JSON.parse(bytes.subarray(range.start, range.end).toString()) };
    expect(byWalk, `${path} in ${text}`).toEqual(readPath(body, path));
  }
  return Object.fromEntries(paths.map((path) => [path, ranges.get(path) === undefined ? undefined : text.slice(ranges.get(path)?.start, ranges.get(path)?.end)]));
}

describe("valueRanges", () => {
  it("finds the records and a paginator's values where readPath finds them, without parsing the body", () => {
    expect(both('{"data": [{"id": 1}, {"id": 2}], "next": "abc", "meta": {"total": 10}}', ["data", "next", "meta.total", "missing"])).toEqual({
      data: '[{"id": 1}, {"id": 2}]',
      next: '"abc"',
      "meta.total": "10",
      missing: undefined,
    });
    // Numbers index arrays (only arrays); an object's member named "0" is found by name.
    expect(both('{"results": [{"items": [1, 2]}, {"items": [3]}], "o": {"0": "zero"}}', ["results.1.items", "results.01.items", "results.2.items", "o.0", "results.x"])).toEqual({
      "results.1.items": "[3]",
      "results.01.items": "[3]",
      "results.2.items": undefined,
      "o.0": '"zero"',
      "results.x": undefined,
    });
  });

  it("takes a member named twice at its last value, and forgets what lay under the first", () => {
    expect(both('{"data": [1], "data": [2, 3]}', ["data"])).toEqual({ data: "[2, 3]" });
    expect(both('{"page": {"items": [1], "next": "a"}, "page": {"items": [2]}}', ["page.items", "page.next"])).toEqual({ "page.items": "[2]", "page.next": undefined });
    expect(both('{"page": {"next": "a"}, "page": 5}', ["page.next"])).toEqual({ "page.next": undefined });
  });

  it("reads names with escapes, blanks anywhere, and scalar or empty bodies", () => {
    expect(both(' \n{ "d\\u0061ta" :\t[ ] , "n\\"q" : null }\r\n', ["data", 'n"q'])).toEqual({ data: "[ ]", 'n"q': "null" });
    expect(both("[]", ["data"])).toEqual({ data: undefined });
    expect(both('"text"', ["data"])).toEqual({ data: undefined });
    expect(both('{"__proto__": [1]}', ["__proto__"])).toEqual({ ["__proto__"]: "[1]" });
  });

  it("refuses what JSON.parse refuses", () => {
    for (const text of ['{"data": [1,]}', '{"data": [1]', '{"data": [1]} x', '{"data" [1]}', "{'data': 1}", '{"a": 01}', '{"a": tru}', "", '{"a": "\u0001"}', '{"a": [1] "b": 2}']) {
      expect(() => JSON.parse(text), text).toThrow();
      expect(valueRanges(Buffer.from(text), ["data", "a"]), text).toBeNull();
    }
  });
});
