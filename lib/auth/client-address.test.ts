// Which X-Forwarded-For entry is the client, by the number of trusted proxies in front.
import { describe, expect, it } from "vitest";
import { clientAddress, withoutUntrustedForwarding } from "./client-address";

const xff = (value?: string) => new Headers(value === undefined ? {} : { "x-forwarded-for": value });

describe("clientAddress", () => {
  it("with no trusted proxy: the one entry Next.js sets from the socket", () => {
    expect(clientAddress(xff("203.0.113.7"), 0)).toBe("203.0.113.7");
    expect(clientAddress(xff("::ffff:127.0.0.1"), 0)).toBe("::ffff:127.0.0.1");
  });

  it("with trusted proxies: the entry the outermost one appended, never one the client wrote", () => {
    // The client sent "1.1.1.1, 2.2.2.2"; proxy 1 appended the client's real address.
    expect(clientAddress(xff("1.1.1.1, 2.2.2.2, 203.0.113.7"), 1)).toBe("203.0.113.7");
    // Two proxies: the outer appended the client, the inner appended the outer.
    expect(clientAddress(xff("1.1.1.1, 203.0.113.7, 10.0.0.2"), 2)).toBe("203.0.113.7");
    expect(clientAddress(xff("203.0.113.7,10.0.0.2"), 2)).toBe("203.0.113.7");
  });

  it("is null when the header does not reach that far", () => {
    expect(clientAddress(xff(), 0)).toBeNull();
    expect(clientAddress(xff(" , "), 0)).toBeNull();
    expect(clientAddress(xff("10.0.0.2"), 2)).toBeNull();
  });
});

describe("withoutUntrustedForwarding", () => {
  it("drops the client's X-Forwarded-For when no proxy is trusted, and keeps it otherwise", () => {
    const headers = new Headers({ "x-forwarded-for": "1.1.1.1", cookie: "a=b" });
    const stripped = withoutUntrustedForwarding(headers, 0);
    expect(stripped.get("x-forwarded-for")).toBeNull();
    expect(stripped.get("cookie")).toBe("a=b");
    expect(headers.get("x-forwarded-for")).toBe("1.1.1.1");
    expect(withoutUntrustedForwarding(headers, 1).get("x-forwarded-for")).toBe("1.1.1.1");
  });
});

