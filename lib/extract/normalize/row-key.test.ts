import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalJson, stableHash } from "./hash";
import { childRowKey, keyString, keyText, rowKey } from "./row-key";

describe("content row keys", () => {
  it("version 1 is the first keys' cyrb128 of canonical JSON, unchanged", () => {
    const record = { b: 1, a: [1, { c: null }] };
    expect(rowKey(1, record)).toBe(stableHash(canonicalJson(record)));
    expect(childRowKey(1, "p", "t__x", 2)).toBe(stableHash(canonicalJson(["p", "t__x", 2])));
  });

  it("version 2 is the md5 of keyText's UTF-8 bytes", () => {
    const md5 = (text: string) => createHash("md5").update(Buffer.from(text, "utf8")).digest("hex");
    // md5("{}"), as any md5 tool gives it: a record with nothing in it.
    expect(rowKey(2, {})).toBe("99914b932bd37a50b983c5e7c90ae93b");
    expect(rowKey(2, { a: null })).toBe("99914b932bd37a50b983c5e7c90ae93b");
    expect(rowKey(2, { b: "é", a: 1 })).toBe(md5('{"a":1,"b":"é"}'));
    expect(childRowKey(2, "p", "t__x", 2)).toBe(md5('["p","t__x",2]'));
  });

  it("sorts keys, leaves null members and emptied records out, keeps a list's places", () => {
    expect(keyText({ b: 1, a: "x", c: null, d: { e: null }, f: undefined })).toBe('{"a":"x","b":1}');
    expect(keyText({ z: [null, { e: null }, 1] })).toBe('{"z":[null,null,1]}');
    expect(keyText({})).toBeUndefined();
    // Null and missing key alike: a column added later leaves earlier rows' keys as they were.
    expect(rowKey(2, { a: 1, late: null })).toBe(rowKey(2, { a: 1 }));
    expect(rowKey(2, { b: 2, a: 1 })).toBe(rowKey(2, { a: 1, b: 2 }));
    // Sorted by UTF-16 code units, as JavaScript sorts.
    expect(keyText({ "😀": 1, "ｚ": 2, Z: 3, a: 4 })).toBe('{"Z":3,"a":4,"😀":1,"ｚ":2}');
  });

  it("writes numbers as String() does, bigints as digits, dates as ISO text", () => {
    expect(keyText([1, 1.5, -0, 1e21, 1e-7, NaN, Infinity, -Infinity, 2n ** 64n])).toBe("[1,1.5,0,1e+21,1e-7,NaN,Infinity,-Infinity,18446744073709551616]");
    expect(keyText(new Date("2024-01-02T03:04:05.678Z"))).toBe('"2024-01-02T03:04:05.678Z"');
    expect(keyText(new Date(NaN))).toBeUndefined();
    expect(keyText([true, false])).toBe("[true,false]");
  });

  it("escapes text as JSON with capital \\u escapes, leaving an escaped backslash alone", () => {
    expect(keyString('a"b\\c\n\t')).toBe(JSON.stringify('a"b\\c\n\t'));
    expect(keyString("\u0001\u001f")).toBe('"\\u0001\\u001F"');
    expect(keyString("\\u001f \u001f")).toBe('"\\\\u001f \\u001F"');
    expect(keyString("\ud800")).toBe('"\\uD800"');
  });
});
