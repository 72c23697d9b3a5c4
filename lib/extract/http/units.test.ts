import { describe, expect, it } from "vitest";
import { joinUrl } from "./fetch-pages";
import { jsonErrorPosition, readPath } from "./json-body";
import { findLink, parseLinkHeader } from "./link-header";
import { backoffDelayMs, retryAfterMs } from "./request";
import { Redactor } from "../../secrets/secrets";
import { InvalidRestSpecError, parseRestRequestSpec } from "./spec";

describe("Link header (RFC 8288)", () => {
  it("parses several links, quoted and bare rels, and other params", () => {
    const header =
      '<https://api.example.com/items?page=2>; rel="next", <https://api.example.com/items?page=9>; rel=last; title="the end, really"';
    expect(parseLinkHeader(header)).toEqual([
      { target: "https://api.example.com/items?page=2", rels: ["next"], params: { rel: "next" } },
      {
        target: "https://api.example.com/items?page=9",
        rels: ["last"],
        params: { rel: "last", title: "the end, really" },
      },
    ]);
  });

  it("finds next in a rel with several values, case-insensitively", () => {
    const header = '</first>; rel="first", </p/3>; rel="Next last"';
    expect(findLink(header, "next", "https://x.test/api/items?page=2")).toBe("https://x.test/p/3");
  });

  it("resolves relative targets against the current URL", () => {
    expect(findLink('<items?page=3>; rel="next"', "next", "https://x.test/v1/items?page=2")).toBe(
      "https://x.test/v1/items?page=3",
    );
  });

  it("keeps commas and semicolons inside the target and quoted values", () => {
    const header = '<https://x.test/a?ids=1,2;3>; title="a; b, c"; rel="next"';
    expect(findLink(header, "next", "https://x.test/")).toBe("https://x.test/a?ids=1,2;3");
  });

  it("uses only the first rel parameter and tolerates whitespace", () => {
    expect(parseLinkHeader('  < /a > ;rel = "prev" ; rel="next"  ')).toEqual([
      { target: "/a", rels: ["prev"], params: { rel: "prev" } },
    ]);
  });

  it("skips malformed link values and finds nothing when there is no next", () => {
    expect(parseLinkHeader('garbage; rel="next", </ok>; rel="next"').map((link) => link.target)).toEqual(["/ok"]);
    expect(findLink('</prev>; rel="prev"', "next", "https://x.test/")).toBeUndefined();
    expect(findLink(null, "next", "https://x.test/")).toBeUndefined();
    expect(findLink("", "next", "https://x.test/")).toBeUndefined();
  });
});

describe("Retry-After and backoff", () => {
  it("reads delta seconds and HTTP dates, capped", () => {
    const now = Date.parse("2024-05-01T12:00:00Z");
    expect(retryAfterMs("7", 60_000, now)).toBe(7000);
    expect(retryAfterMs("Wed, 01 May 2024 12:00:30 GMT", 60_000, now)).toBe(30_000);
    expect(retryAfterMs("Wed, 01 May 2024 11:00:00 GMT", 60_000, now)).toBe(0);
    expect(retryAfterMs("120", 60_000, now)).toBe(60_000);
    expect(retryAfterMs("soon", 60_000, now)).toBeUndefined();
    expect(retryAfterMs(null, 60_000, now)).toBeUndefined();
  });

  it("backoff is base × 2^retry × random", () => {
    expect(backoffDelayMs(0, 1, () => 0.5)).toBe(500);
    expect(backoffDelayMs(3, 1, () => 0.5)).toBe(4000);
    expect(backoffDelayMs(2, 0.5, () => 0)).toBe(0);
  });
});

describe("Redactor", () => {
  it("replaces raw and URL-encoded forms, longest first", () => {
    const redactor = new Redactor();
    redactor.add("a b/c!");
    redactor.add("tok");
    redactor.add("tok-long");
    redactor.add("");
    expect(redactor.redact("x=a b/c! y=a%20b%2Fc! z=a+b%2Fc%21 t=tok-long u=tok")).toBe(
      "x=*** y=*** z=*** t=*** u=***",
    );
  });
});

describe("JSON helpers", () => {
  it("locates the first syntax error", () => {
    expect(jsonErrorPosition('{"a":}')).toBe(5);
    expect(jsonErrorPosition("<html>")).toBe(0);
    expect(jsonErrorPosition("[1,2,,]")).toBe(5);
    expect(jsonErrorPosition('{"a":1')).toBe(6);
    expect(jsonErrorPosition("")).toBe(0);
    expect(jsonErrorPosition("[1] x")).toBe(4);
    expect(jsonErrorPosition('["a\\q"]')).toBe(4);
    expect(jsonErrorPosition("[1, -]")).toBe(4);
    expect(jsonErrorPosition('{"n": 12.5e3, "m": 01}')).toBe(20);
  });

  it("follows dotted paths, with numeric segments into arrays", () => {
    const body = { results: { items: [1], pages: [{ next: "n" }] }, zero: 0 };
    expect(readPath(body, "results.items")).toEqual({ found: true, value: [1] });
    expect(readPath(body, "results.pages.0.next")).toEqual({ found: true, value: "n" });
    expect(readPath(body, "zero")).toEqual({ found: true, value: 0 });
    expect(readPath(body, "results.missing")).toEqual({ found: false });
    expect(readPath(body, "results.pages.1")).toEqual({ found: false });
    expect(readPath(body, "toString")).toEqual({ found: false });
  });
});

describe("spec and URLs", () => {
  it("fills defaults and accepts durations", () => {
    const spec = parseRestRequestSpec({ source: "rest", base_url: "https://x.test", timeout: "2m", primary_key: "id" });
    expect(spec).toEqual({
      base_url: "https://x.test",
      params: {},
      headers: {},
      paginator: { type: "single" },
      retries: { max_attempts: 5, backoff: 1 },
      timeout: 120,
      page_limit: 10_000,
    });
  });

  it("names bad fields", () => {
    expect(() => parseRestRequestSpec({ base_url: "ftp://x", paginator: { type: "pages" } })).toThrow(InvalidRestSpecError);
    expect(() => parseRestRequestSpec({ base_url: "ftp://x" })).toThrow(/base_url: expected an http/);
    expect(() => parseRestRequestSpec({ base_url: "https://x", headers: { a: "secret:bad-name" } })).toThrow(/headers\.a/);
  });

  it("joins base_url and path with one slash, keeping queries", () => {
    expect(joinUrl("https://x.test/api/", "/v1/items").href).toBe("https://x.test/api/v1/items");
    expect(joinUrl("https://x.test/api", "items").href).toBe("https://x.test/api/items");
    expect(joinUrl("https://x.test", "items").href).toBe("https://x.test/items");
    expect(joinUrl("https://x.test/api?k=1", "items?s=2").href).toBe("https://x.test/api/items?k=1&s=2");
    expect(joinUrl("https://x.test/api/", undefined).href).toBe("https://x.test/api/");
  });
});
