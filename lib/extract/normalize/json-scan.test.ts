import { describe, expect, it } from "vitest";
import { RecordFlattener } from "./flatten";
import { scanRecordsAt, scanWholeArray } from "./json-scan";
import { ColumnNamer } from "./names";
import { createRandom as random } from "../../ml/random";

/** What the scan must say of `text`: JSON.parse's records and the flattener's child rows, or null. */
function expected(text: string, maxDepth: number): { records: number; childRows: number } | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed)) return null;
  const flattener = new RecordFlattener({ table: "t", primaryKey: [], maxDepth }, new ColumnNamer());
  return { records: parsed.length, childRows: parsed.reduce((sum: number, record: unknown) => sum + flattener.childRows(record), 0) };
}

/** The whole text as one records' array, scanned (where it ends aside). */
function scan(text: string, maxDepth = 10): { records: number; childRows: number } | null {
  const bytes = Buffer.from(text, "utf8");
  const found = scanWholeArray(bytes, (at) => scanRecordsAt(bytes, at, maxDepth));
  return found === null ? null : { records: found.records, childRows: found.childRows };
}

const STRINGS = ["", "a", 'q"uote', "back\\slash", "tab\there", "é ü 漢字", "😀", "\u0000", "\u001f", "line\nbreak", "\ud800"];
const NUMBERS = ["0", "-0", "1", "-12", "3.25", "1e5", "1E+2", "2.5e-3", "123456789012345678901234567890"];

function value(next: () => number, depth: number): string {
  const pick = Math.floor(next() * (depth > 4 ? 5 : 8));
  const blank = () => [" ", "", "\n", "\t", "\r\n  "][Math.floor(next() * 5)] ?? "";
  switch (pick) {
    case 0:
      return JSON.stringify(STRINGS[Math.floor(next() * STRINGS.length)]);
    case 1:
      return NUMBERS[Math.floor(next() * NUMBERS.length)] ?? "0";
    case 2:
      return ["true", "false", "null"][Math.floor(next() * 3)] ?? "null";
    case 3:
    case 4:
      return JSON.stringify(Math.floor(next() * 1000) / 7);
    case 5:
    case 6: {
      const members = Array.from({ length: Math.floor(next() * 4) }, (_, k) => `${blank()}${JSON.stringify(`k${k}${STRINGS[Math.floor(next() * 3)] ?? ""}`)}${blank()}:${blank()}${value(next, depth + 1)}`);
      return `{${members.join(",")}${blank()}}`;
    }
    default: {
      const items = Array.from({ length: Math.floor(next() * 4) }, () => `${blank()}${value(next, depth + 1)}${blank()}`);
      return `[${items.join(",")}]`;
    }
  }
}

function page(next: () => number): string {
  const records = Array.from({ length: Math.floor(next() * 6) }, () => (next() < 0.85 ? `{"id":1,"v":${value(next, 1)},"w":${value(next, 1)}}` : value(next, 1)));
  return ` [${records.join(" ,\n")}] `;
}

describe("scanRecordsAt over a whole body (scanWholeArray)", () => {
  it("counts what JSON.parse and the flattener count, at every max_depth, on generated pages", () => {
    const next = random(20261204);
    for (let index = 0; index < 3000; index++) {
      const text = page(next);
      const maxDepth = Math.floor(next() * 5);
      expect(scan(text, maxDepth), text).toEqual(expected(text, maxDepth));
    }
  });

  it("refuses what JSON.parse refuses: every page cut short or with one byte changed", () => {
    const next = random(7);
    const alphabet = '[]{}:,"\\ 0123456789.eE+-tfnulraxu\n';
    let refused = 0;
    for (let index = 0; index < 3000; index++) {
      const text = page(next);
      const at = Math.floor(next() * text.length);
      const mutated = next() < 0.2 ? text.slice(0, at) : text.slice(0, at) + (alphabet[Math.floor(next() * alphabet.length)] ?? "") + text.slice(at + 1);
      const want = expected(mutated, 10);
      if (want === null) refused++;
      expect(scan(mutated), mutated).toEqual(want);
    }
    // The mutations do break most pages, so the refusals are tested.
    expect(refused).toBeGreaterThan(1000);
  });

  it("names the cases by hand: bodies that are not arrays, grammar JSON.parse refuses, what lies beyond max_depth", () => {
    for (const text of ['{"a":1}', '"x"', "5", "null", "", "[", "[1,]", "[,1]", "[01]", "[1.]", "[.5]", "[+1]", '["\\x"]', '["\\u12G4"]', "[tru]", "[nul]", "[1] x", '[{"a" 1}]', '[{"a":1,}]', "[{1:2}]", "[}", "{]"]) {
      expect(scan(text), text).toBeNull();
      expect(expected(text, 10), text).toBeNull();
    }
    expect(scan("[]")).toEqual({ records: 0, childRows: 0 });
    expect(scan(' \n[ ]\r\n')).toEqual({ records: 0, childRows: 0 });
    const record = '{"id":1,"tags":["a","b"],"m":{"legs":[{"points":[1,2,3]},{"points":[]}]},"grid":[[1,2],[3]],"none":null}';
    expect(scan(`[${record},${record}]`)).toEqual({ records: 2, childRows: 2 * (2 + 2 + 3 + 2 + 3) });
    expect(scan(`[${record}]`, 1)).toEqual({ records: 1, childRows: 2 + 2 });
    expect(scan(`[${record}]`, 0)).toEqual({ records: 1, childRows: 0 });
    // A record that is not an object brings no child rows, whatever it holds.
    expect(scan('[[1,2],"x",3]')).toEqual({ records: 3, childRows: 0 });
  });
});
