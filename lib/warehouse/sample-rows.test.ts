import { describe, expect, it } from "vitest";
import { cellText } from "./sample-rows";

describe("sample cell text", () => {
  it("shows dates, floats, bigints and nested values readably", () => {
    expect(cellText(new Date("2024-01-01T00:00:00Z"))).toBe("2024-01-01");
    expect(cellText(new Date("2024-01-01T10:30:00Z"))).toBe("2024-01-01 10:30:00Z");
    expect(cellText(4449.8099999999995)).toBe("4449.81");
    expect(cellText(12n)).toBe("12");
    expect(cellText({ a: 1n })).toBe('{"a":"1"}');
    expect(cellText(null)).toBe("");
  });
});
