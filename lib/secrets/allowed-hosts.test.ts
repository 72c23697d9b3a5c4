// The allowed-hosts grammar and matching, and the check where a secret meets its request.
import { describe, expect, it } from "vitest";
import { allowedHostsSchema, isHostAllowed, parseHostPattern } from "./allowed-hosts";
import { MissingSecretError, Redactor, REDACTED, resolveSecretValue, SecretHostNotAllowedError, type SecretResolver } from "./secrets";

const allowed = (hosts: string[], url: string) => isHostAllowed(hosts, new URL(url));

describe("parseHostPattern", () => {
  it("reads host, host:port, bracketed IPv6 and a leading *.", () => {
    expect(parseHostPattern("api.example.com")).toEqual({ hostname: "api.example.com", subdomains: false });
    expect(parseHostPattern("127.0.0.1:4010")).toEqual({ hostname: "127.0.0.1", subdomains: false, port: 4010 });
    expect(parseHostPattern("localhost")).toEqual({ hostname: "localhost", subdomains: false });
    expect(parseHostPattern("[::1]:8080")).toEqual({ hostname: "[::1]", subdomains: false, port: 8080 });
    expect(parseHostPattern("*.example.com")).toEqual({ hostname: "example.com", subdomains: true });
    expect(parseHostPattern("*.example.com:8443")).toEqual({ hostname: "example.com", subdomains: true, port: 8443 });
  });

  it("reads an explicit http:// or https:// in front", () => {
    expect(parseHostPattern("http://intranet.example.com")).toEqual({ hostname: "intranet.example.com", subdomains: false, scheme: "http" });
    expect(parseHostPattern("https://api.example.com:8443")).toEqual({ hostname: "api.example.com", subdomains: false, port: 8443, scheme: "https" });
    expect(parseHostPattern("http://*.example.com")).toEqual({ hostname: "example.com", subdomains: true, scheme: "http" });
  });

  it.each([
    ["", /not a host/],
    ["https://api.example.com/", /not a host/],
    ["https://api.example.com/v1", /not a host/],
    ["ftp://api.example.com", /not a host/],
    ["HTTP://api.example.com", /not a host/],
    ["api.example.com/v1", /not a host/],
    ["user@api.example.com", /not a host/],
    ["API.example.com", /not a host/],
    ["api.example.com:0", /port/],
    ["api.example.com:70000", /port/],
    ["api..example.com", /not a host name/],
    ["-api.example.com", /not a host name/],
    ["api.example.com.", /not a host name/],
    ["*", /not a host/],
    ["*.com", /wildcard/],
    ["*.[::1]", /wildcard/],
    ["a.*.example.com", /not a host/],
    ["1.2.3", /usual form/],
    ["0x7f.0.0.1", /usual form/],
    ["[::0:1]", /usual form/],
  ])("refuses %j", (text, why) => {
    const parsed = parseHostPattern(text);
    expect(typeof parsed).toBe("string");
    expect(parsed).toMatch(why);
  });
});

describe("allowedHostsSchema", () => {
  it("trims, lowercases and drops duplicates", () => {
    expect(allowedHostsSchema.parse([" API.Example.com ", "api.example.com", "127.0.0.1:4010"])).toEqual(["api.example.com", "127.0.0.1:4010"]);
  });

  it("keeps an explicit scheme as written", () => {
    expect(allowedHostsSchema.parse([" HTTP://Intranet.example.com ", "https://api.example.com"])).toEqual(["http://intranet.example.com", "https://api.example.com"]);
  });

  it("names the bad entry", () => {
    const result = allowedHostsSchema.safeParse(["api.example.com", "https://evil.example/x"]);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([[[1], expect.stringContaining('"https://evil.example/x" is not a host')]]);
  });
});

describe("isHostAllowed", () => {
  it("allows any host when the list is empty", () => {
    expect(allowed([], "https://attacker.example/steal")).toBe(true);
  });

  it("matches the exact host name, case-insensitively through URL", () => {
    expect(allowed(["api.example.com"], "https://API.Example.com/v1")).toBe(true);
    expect(allowed(["api.example.com"], "https://api.example.com.attacker.example/")).toBe(false);
    expect(allowed(["api.example.com"], "https://evilapi.example.com/")).toBe(false);
    expect(allowed(["api.example.com"], "https://example.com/")).toBe(false);
  });

  it("without a port: the scheme's default port only", () => {
    expect(allowed(["api.example.com"], "https://api.example.com:443/")).toBe(true);
    expect(allowed(["api.example.com"], "https://api.example.com:8443/")).toBe(false);
    expect(allowed(["http://api.example.com"], "http://api.example.com/")).toBe(true);
    expect(allowed(["http://api.example.com"], "http://api.example.com:443/")).toBe(false);
  });

  it("with a port: that port, written or implied by the scheme", () => {
    expect(allowed(["127.0.0.1:4010"], "http://127.0.0.1:4010/api")).toBe(true);
    expect(allowed(["127.0.0.1:4010"], "http://127.0.0.1:4011/api")).toBe(false);
    expect(allowed(["127.0.0.1:4010"], "http://127.0.0.1/api")).toBe(false);
    expect(allowed(["api.example.com:443"], "https://api.example.com/")).toBe(true);
    expect(allowed(["api.example.com:8443"], "https://api.example.com:8443/")).toBe(true);
  });

  // Issue 12, finding 13: a secret allowed for api.example.com:443 went over plain http to port 443.
  it("binds the scheme: a bare entry means https, plain http needs an http:// entry", () => {
    expect(allowed(["api.example.com:443"], "http://api.example.com:443/")).toBe(false);
    expect(allowed(["api.example.com"], "http://api.example.com/")).toBe(false);
    expect(allowed(["api.example.com:8080"], "http://api.example.com:8080/")).toBe(false);
    expect(allowed(["*.example.com"], "http://api.example.com/")).toBe(false);
    expect(allowed(["http://api.example.com:8080"], "http://api.example.com:8080/")).toBe(true);
    expect(allowed(["http://api.example.com:8080"], "https://api.example.com:8080/")).toBe(false);
    expect(allowed(["http://*.example.com"], "http://eu.api.example.com/")).toBe(true);
    expect(allowed(["https://api.example.com"], "https://api.example.com/")).toBe(true);
    expect(allowed(["https://127.0.0.1:4010"], "http://127.0.0.1:4010/")).toBe(false);
  });

  it("a bare loopback entry keeps taking http: that traffic never leaves the machine", () => {
    expect(allowed(["127.0.0.1:4010"], "http://127.0.0.1:4010/")).toBe(true);
    expect(allowed(["127.0.0.1:4010"], "https://127.0.0.1:4010/")).toBe(true);
    expect(allowed(["localhost:4010"], "http://localhost:4010/")).toBe(true);
    expect(allowed(["[::1]:8080"], "http://[::1]:8080/")).toBe(true);
    expect(allowed(["127.0.0.2"], "http://127.0.0.2/")).toBe(true);
    // Not loopback, whatever the name suggests.
    expect(allowed(["localhost.example.com"], "http://localhost.example.com/")).toBe(false);
    expect(allowed(["127.0.0.1.nip.io"], "http://127.0.0.1.nip.io/")).toBe(false);
  });

  it("a wildcard covers subdomains at any depth, not the domain itself", () => {
    expect(allowed(["*.example.com"], "https://api.example.com/")).toBe(true);
    expect(allowed(["*.example.com"], "https://eu.api.example.com/")).toBe(true);
    expect(allowed(["*.example.com"], "https://example.com/")).toBe(false);
    expect(allowed(["*.example.com"], "https://badexample.com/")).toBe(false);
    expect(allowed(["*.example.com"], "https://api.example.com.attacker.example/")).toBe(false);
  });

  it("IPv6 and IPv4 as URLs write them", () => {
    expect(allowed(["[::1]:8080"], "http://[::1]:8080/")).toBe(true);
    expect(allowed(["[::1]:8080"], "http://[0:0::1]:8080/")).toBe(true);
    expect(allowed(["127.0.0.1:4010"], "http://0x7f.1:4010/")).toBe(true);
    expect(allowed(["127.0.0.1:4010"], "http://localhost:4010/")).toBe(false);
  });

  it("any one entry is enough; a stored entry that does not parse allows nothing", () => {
    expect(allowed(["a.example.com", "127.0.0.1:4010"], "http://127.0.0.1:4010/")).toBe(true);
    expect(allowed(["not a host"], "http://127.0.0.1:4010/")).toBe(false);
  });
});

describe("resolveSecretValue", () => {
  const bound: SecretResolver = (name) => (name === "TOKEN" ? { value: "tok-sekret", allowedHosts: ["127.0.0.1:4010"] } : undefined);

  it("returns a bound secret's value for an allowed host and registers it for redaction", () => {
    const redactor = new Redactor();
    expect(resolveSecretValue("secret:TOKEN", "auth.token", new URL("http://127.0.0.1:4010/x"), bound, redactor)).toBe("tok-sekret");
    expect(redactor.redact("Bearer tok-sekret")).toBe(`Bearer ${REDACTED}`);
  });

  it("refuses another host, naming the field, the secret and the host, never the value", () => {
    const redactor = new Redactor();
    let error: unknown;
    try {
      resolveSecretValue("secret:TOKEN", "auth.token", new URL("https://attacker.example/x"), bound, redactor);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SecretHostNotAllowedError);
    expect(error instanceof Error ? error.message : "").toBe("auth.token: secret TOKEN may not be sent to attacker.example (allowed: 127.0.0.1:4010)");
    expect(String(error)).not.toContain("tok-sekret");
  });

  it("a plain string (the CLI's environment) goes anywhere; a plain value is not a secret; a missing one fails", () => {
    const env: SecretResolver = (name) => (name === "TOKEN" ? "env-token" : undefined);
    const anywhere = new URL("https://attacker.example/");
    expect(resolveSecretValue("secret:TOKEN", "auth.token", anywhere, env, new Redactor())).toBe("env-token");
    expect(resolveSecretValue("plain", "auth.token", anywhere, bound, new Redactor())).toBe("plain");
    expect(() => resolveSecretValue("secret:NOPE", "auth.token", anywhere, bound, new Redactor())).toThrow(MissingSecretError);
  });
});
