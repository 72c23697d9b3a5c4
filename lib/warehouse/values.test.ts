import { describe, expect, it } from "vitest";
import { coerceValue, toJsonText, toPlainValue, ValueCoercionError } from "./values";

describe("coerceValue", () => {
  it("normalizes each logical type", () => {
    expect(coerceValue(5, "BIGINT", "c")).toBe(5n);
    expect(coerceValue(" -12 ", "BIGINT", "c")).toBe(-12n);
    expect(coerceValue(2n ** 63n - 1n, "BIGINT", "c")).toBe(2n ** 63n - 1n);
    expect(coerceValue("1.5", "DOUBLE", "c")).toBe(1.5);
    expect(coerceValue(3n, "DOUBLE", "c")).toBe(3);
    expect(coerceValue("true", "BOOLEAN", "c")).toBe(true);
    expect(coerceValue(12, "VARCHAR", "c")).toBe("12");
    expect(coerceValue({ a: 1 }, "VARCHAR", "c")).toBe('{"a":1}');
    expect(coerceValue("2024-05-06T07:08:09+02:00", "TIMESTAMP", "c")).toEqual(new Date("2024-05-06T05:08:09Z"));
    expect(coerceValue("2024-05-06 07:08:09.5", "TIMESTAMP", "c")).toEqual(new Date("2024-05-06T07:08:09.500Z"));
    expect(coerceValue("2024-05-06T23:59:00Z", "DATE", "c")).toEqual(new Date("2024-05-06T00:00:00Z"));
    expect(coerceValue("plain", "JSON", "c")).toBe('"plain"');
    expect(coerceValue(undefined, "JSON", "c")).toBeNull();
  });

  it.each([
    [1.5, "BIGINT"],
    ["12abc", "BIGINT"],
    ["", "DOUBLE"],
    ["yes", "BOOLEAN"],
    ["not a date", "TIMESTAMP"],
    [1_700_000_000, "TIMESTAMP"],
    [new Date(Number.NaN), "DATE"],
  ] as const)("refuses %s for %s, naming the column", (value, type) => {
    expect(() => coerceValue(value, type, "amount")).toThrow(ValueCoercionError);
    expect(() => coerceValue(value, type, "amount")).toThrow(/column "amount"/);
  });
});

describe("toJsonText", () => {
  it("writes bigints as exact numbers", () => {
    expect(toJsonText({ id: 9007199254740993n, list: [1n] })).toBe('{"id":9007199254740993,"list":[1]}');
  });
});

describe("toPlainValue", () => {
  it("turns safe bigints into numbers, keeps unsafe ones, recursing into lists and structs", () => {
    expect(toPlainValue(42n)).toBe(42);
    expect(toPlainValue(2n ** 60n)).toBe(2n ** 60n);
    expect(toPlainValue({ a: [1n, { b: -3n }] })).toEqual({ a: [1, { b: -3 }] });
    const date = new Date(0);
    expect(toPlainValue(date)).toBe(date);
  });
});
