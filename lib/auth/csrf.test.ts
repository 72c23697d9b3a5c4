// The CSRF check compares whole origins: scheme, host and port.
import { describe, expect, it } from "vitest";
import { passesCsrfCheck } from "./csrf";

const post = (url: string, headers: Record<string, string>) => new Request(url, { method: "POST", headers });

describe("passesCsrfCheck", () => {
  it("passes a write from the app's own origin", () => {
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "http://app.test" }))).toBe(true);
    expect(passesCsrfCheck(post("https://app.test/api/x", { host: "app.test", origin: "https://app.test" }))).toBe(true);
    expect(passesCsrfCheck(post("http://127.0.0.1:3100/api/x", { host: "127.0.0.1:3100", origin: "http://127.0.0.1:3100" }))).toBe(true);
  });

  it("refuses a write from the same host over another scheme", () => {
    // A plain-http page (anyone on the network can serve one) writing to the https app.
    expect(passesCsrfCheck(post("https://app.test/api/x", { host: "app.test", origin: "http://app.test" }))).toBe(false);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "https://app.test" }))).toBe(false);
  });

  it("refuses a write from another port or host", () => {
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "http://app.test:8080" }))).toBe(false);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "http://evil.test" }))).toBe(false);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "http://app.test.evil.test" }))).toBe(false);
  });

  it("treats an explicit default port as the same origin", () => {
    expect(passesCsrfCheck(post("https://app.test/api/x", { host: "app.test:443", origin: "https://app.test" }))).toBe(true);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin: "http://app.test:80" }))).toBe(true);
  });

  it("refuses an opaque or malformed origin, and a write with neither Origin nor Sec-Fetch-Site", () => {
    for (const origin of ["null", "", "app.test", "file:///etc/passwd", "http://"]) {
      expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", origin })), origin).toBe(false);
    }
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test" }))).toBe(false);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", "sec-fetch-site": "same-site" }))).toBe(false);
    expect(passesCsrfCheck(post("http://app.test/api/x", { host: "app.test", "sec-fetch-site": "same-origin" }))).toBe(true);
  });
});
