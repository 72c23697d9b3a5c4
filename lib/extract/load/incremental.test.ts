import { describe, expect, it } from "vitest";
import { compareCursors, CursorFormatError, cursorValueAt, laterCursor, startingCursor } from "./incremental";

describe("cursor values", () => {
  it("reads a dotted path and ignores values that cannot be cursors", () => {
    expect(cursorValueAt({ meta: { updated: "2024-01-01" } }, "meta.updated")).toBe("2024-01-01");
    expect(cursorValueAt({ meta: { updated: { x: 1 } } }, "meta.updated")).toBeUndefined();
    expect(cursorValueAt({ meta: null }, "meta.updated")).toBeUndefined();
    expect(cursorValueAt({ n: 5 }, "n")).toBe(5);
  });

  it("compares ISO instants, numbers and numeric text properly", () => {
    expect(compareCursors("2024-05-01T10:30:00-01:00", "2024-05-01T11:00:00Z")).toBeGreaterThan(0);
    expect(compareCursors("2024-05-02", "2024-05-01T23:59:59Z")).toBeGreaterThan(0);
    expect(compareCursors(10, 9)).toBeGreaterThan(0);
    expect(compareCursors("10", "9")).toBeGreaterThan(0);
    expect(compareCursors("b", "a")).toBeGreaterThan(0);
    expect(laterCursor(undefined, 3)).toBe(3);
    expect(laterCursor(5, 3)).toBe(5);
  });
});

describe("startingCursor", () => {
  it("starts from initial when nothing is stored", () => {
    expect(startingCursor(undefined, { initial: "2024-01-01T00:00:00Z" })).toBe("2024-01-01T00:00:00Z");
    expect(startingCursor(undefined)).toBeUndefined();
  });

  it("steps back by lag seconds, keeping the stored value's style", () => {
    expect(startingCursor("2024-05-01T10:00:00Z", { lag: 3600 })).toBe("2024-05-01T09:00:00Z");
    expect(startingCursor("2024-05-01T10:00:00.250Z", { lag: 60 })).toBe("2024-05-01T09:59:00.250Z");
    expect(startingCursor("2024-05-02", { lag: 86_400 })).toBe("2024-05-01");
    expect(startingCursor(1_714_557_600, { lag: 600 })).toBe(1_714_557_000);
  });

  it("converts between iso and epoch", () => {
    expect(startingCursor("2024-05-01T10:00:00Z", { format: "epoch" })).toBe(1_714_557_600);
    expect(startingCursor(1_714_557_600, { format: "iso", lag: 3600 })).toBe("2024-05-01T09:00:00.000Z");
  });

  it("passes through a non-date cursor, and refuses lag on it", () => {
    expect(startingCursor("abc123")).toBe("abc123");
    expect(() => startingCursor("abc123", { lag: 60 })).toThrow(CursorFormatError);
  });
});
