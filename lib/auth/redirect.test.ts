import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./redirect";

describe("the path after sign-in", () => {
  it("keeps a same-origin path with its query and fragment", () => {
    expect(safeRedirectPath("/catalog/orders?tab=history#checks", "/catalog")).toBe("/catalog/orders?tab=history#checks");
    expect(safeRedirectPath("/runs", "/catalog")).toBe("/runs");
  });

  it("refuses every spelling of another origin, after the browser's own normalization", () => {
    const attempts = ["/\t/evil.example/path", "/\n/evil.example", "/%09/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example", "javascript:alert(1)", "/\u0000/evil.example", " /x", "", "evil.example"];
    for (const attempt of attempts) {
      const result = safeRedirectPath(attempt, "/catalog");
      expect(new URL(result, "https://app.example").origin, attempt).toBe("https://app.example");
      expect(result.startsWith("//"), attempt).toBe(false);
    }
    expect(safeRedirectPath("/\t/evil.example/path", "/catalog")).toBe("/catalog");
    expect(safeRedirectPath(["/a"], "/catalog")).toBe("/catalog");
  });
});
