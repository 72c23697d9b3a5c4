// The redactor's forms of a secret, and the refusals that keep a value out of a thrown
// message: a header value with a line break, a host-bound secret over plain http.
import { describe, expect, it } from "vitest";
import { checkDerivedDestination, Redactor, REDACTED, resolveSecretValue, SecretHostNotAllowedError, SecretNotSendableError, type SecretResolver } from "./secrets";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----";

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error("expected an error, but nothing was thrown");
}

describe("Redactor", () => {
  it("hides a value raw, URL-encoded, in a query string, JSON-escaped and in base64", () => {
    const redactor = new Redactor();
    redactor.add("k3y/with space&sym=bols");
    for (const form of [
      "k3y/with space&sym=bols",
      "k3y%2Fwith%20space%26sym%3Dbols",
      "k3y%2Fwith+space%26sym%3Dbols",
      Buffer.from("k3y/with space&sym=bols").toString("base64"),
      Buffer.from("k3y/with space&sym=bols").toString("base64url"),
    ]) {
      expect(redactor.redact(`before ${form} after`)).toBe(`before ${REDACTED} after`);
    }
  });

  // Issue 12, finding 5: a value with surrounding whitespace went out trimmed (Headers trims) and came back unredacted.
  it("hides the trimmed form of a value with surrounding whitespace", () => {
    const redactor = new Redactor();
    redactor.add("  tok-7f7f7f\n");
    expect(redactor.redact("Bearer tok-7f7f7f was refused")).toBe(`Bearer ${REDACTED} was refused`);
  });

  it("hides a multi-line value as a JSON body quotes it and as a one-line snippet collapses it", () => {
    const redactor = new Redactor();
    redactor.add(PEM);
    expect(redactor.redact(JSON.stringify({ error: "bad key", key: PEM }))).toBe(`{"error":"bad key","key":"${REDACTED}"}`);
    expect(redactor.redact(`bad key ${PEM.replace(/\s+/g, " ")}`)).toBe(`bad key ${REDACTED}`);
  });

  it("replaces a secret that contains another whole", () => {
    const redactor = new Redactor();
    redactor.add("abc123");
    redactor.add("abc123-extended");
    expect(redactor.redact("x abc123-extended y abc123")).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it("redacts every string inside records, leaving other values and records without secrets alone", () => {
    const redactor = new Redactor();
    expect(redactor.redactRecords([{ a: 1 }])).toEqual([{ a: 1 }]);
    redactor.add("key-0a9b8c");
    const records = [
      { id: 1, self: "https://api.example.com/items/1?api_key=key-0a9b8c", nested: { tags: ["x", "key-0a9b8c"] }, n: null, ok: true },
      { id: 2, self: "https://api.example.com/items/2" },
    ];
    expect(redactor.redactRecords(records)).toEqual([
      { id: 1, self: `https://api.example.com/items/1?api_key=${REDACTED}`, nested: { tags: ["x", REDACTED] }, n: null, ok: true },
      { id: 2, self: "https://api.example.com/items/2" },
    ]);
  });

  it("ignores empty and blank values", () => {
    const redactor = new Redactor();
    redactor.add("");
    redactor.add("   ");
    expect(redactor.redact("nothing to hide")).toBe("nothing to hide");
  });
});

describe("resolveSecretValue for a header", () => {
  const resolver: SecretResolver = (name) => ({ PEM_KEY: PEM, PASTED: "tok-abc123\n", PLAIN_NUL: "a\0b" })[name];
  const to = new URL("https://api.example.com/");

  // Issue 12, finding 5: Headers.set threw with a PEM key in its message, and the message reached the run log.
  it("refuses a value with a line break or NUL inside, naming the secret and never the value", () => {
    for (const name of ["PEM_KEY", "PLAIN_NUL"]) {
      const error = thrown(() => resolveSecretValue(`secret:${name}`, "headers.x_key", to, resolver, new Redactor(), "header"));
      expect(error).toBeInstanceOf(SecretNotSendableError);
      expect(error.message).toBe(`headers.x_key: secret ${name} contains a line break or NUL, which an HTTP header cannot carry`);
      expect(error.message).not.toContain("MIIEvQ");
    }
    expect(thrown(() => resolveSecretValue("a\r\nInjected: yes", "headers.x", to, resolver, new Redactor(), "header")).message).toBe(
      "headers.x: the value contains a line break or NUL, which an HTTP header cannot carry",
    );
  });

  it("accepts surrounding whitespace (Headers trims it), and a line break where no header carries it", () => {
    expect(resolveSecretValue("secret:PASTED", "auth.token", to, resolver, new Redactor(), "header")).toBe("tok-abc123\n");
    expect(resolveSecretValue("secret:PEM_KEY", "params.key", to, resolver, new Redactor(), "url_or_body")).toBe(PEM);
  });
});

describe("host-bound secrets and plain http", () => {
  const bound: SecretResolver = (name) => (name === "TOKEN" ? { value: "tok-bound-1", allowedHosts: ["api.example.com"] } : undefined);

  it("names the destination with http:// when clear text is why it is refused", () => {
    const error = thrown(() => resolveSecretValue("secret:TOKEN", "auth.token", new URL("http://api.example.com/"), bound, new Redactor()));
    expect(error).toBeInstanceOf(SecretHostNotAllowedError);
    expect(error.message).toBe("auth.token: secret TOKEN may not be sent to http://api.example.com (allowed: api.example.com)");
    expect(resolveSecretValue("secret:TOKEN", "auth.token", new URL("https://api.example.com/"), bound, new Redactor())).toBe("tok-bound-1");
  });

  it("checkDerivedDestination holds what a bound secret made to the secret's hosts", () => {
    expect(() => checkDerivedDestination("secret:TOKEN", "auth.client_secret", new URL("https://api.example.com/v1"), bound, "an access token minted with")).not.toThrow();
    expect(thrown(() => checkDerivedDestination("secret:TOKEN", "auth.client_secret", new URL("https://other.example/"), bound, "an access token minted with")).message).toBe(
      "auth.client_secret: an access token minted with secret TOKEN may not be sent to other.example (allowed: api.example.com)",
    );
    // A plain value, an unknown name (reported where it is resolved) and an unbound secret bind nothing.
    expect(() => checkDerivedDestination("plain", "auth.client_id", new URL("https://other.example/"), bound, "x")).not.toThrow();
    expect(() => checkDerivedDestination("secret:NOPE", "auth.client_id", new URL("https://other.example/"), bound, "x")).not.toThrow();
    expect(() => checkDerivedDestination("secret:ENV", "auth.client_id", new URL("https://other.example/"), () => "from-env", "x")).not.toThrow();
  });
});
