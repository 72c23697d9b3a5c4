// The paths open without a session; everything else needs a member (proxy.ts).
import { describe, expect, it } from "vitest";
import { pageAccess, signInPath } from "./page-access";
import { safeRedirectPath } from "./redirect";

describe("pageAccess", () => {
  it("opens sign-in, setup, share links and static files only", () => {
    for (const path of ["/login", "/setup", "/share/AbC_123-x", "/icon.svg", "/favicon.ico", "/_next/static/chunks/app.js"]) expect(pageAccess(path), path).toBe("public");
  });

  it("leaves API routes to their own 401", () => {
    for (const path of ["/api", "/api/session", "/api/notebooks/shop"]) expect(pageAccess(path), path).toBe("api");
  });

  it("needs a member everywhere else, including look-alikes of the open paths", () => {
    for (const path of ["/", "/notebooks/shop", "/dev/components", "/dev/duckdb", "/catalog", "/settings/secrets", "/apiary", "/login/x", "/setup/x", "/loginx", "/share", "/share/", "/share/a/b", "/_next/data/x.json", "/nope"]) {
      expect(pageAccess(path), path).toBe("member");
    }
  });
});

describe("signInPath", () => {
  it("comes back to the page (and its query) through the sign-in page's same-origin check", () => {
    expect(signInPath("/catalog")).toBe("/login?next=%2Fcatalog");
    const next = new URL(signInPath("/catalog?kind=chart&q=a b"), "http://app.test").searchParams.get("next");
    expect(safeRedirectPath(next, "/fallback")).toBe("/catalog?kind=chart&q=a%20b");
  });
});
