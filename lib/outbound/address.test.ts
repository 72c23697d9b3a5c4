// Every address kind the outbound policy tells apart, including the IPv6 forms that carry
// an IPv4 address, and what each policy makes of them.
import { describe, expect, it } from "vitest";
import { classifyAddress, isIpLiteral, type AddressKind } from "./address";
import { checkAddress, DEFAULT_OUTBOUND_POLICY, type OutboundPolicy } from "./policy";

const corpus: [string, AddressKind][] = [
  // loopback, as Node writes it and through IPv6 forms
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["::1", "loopback"],
  ["[::1]", "loopback"],
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::127.0.0.1", "loopback"], // IPv4-compatible
  ["::ffff:0:127.0.0.1", "loopback"], // RFC 6145
  ["64:ff9b::7f00:1", "loopback"], // NAT64
  ["2002:7f00:1::", "loopback"], // 6to4
  // the local network
  ["10.0.0.1", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.1.1", "private"],
  ["100.64.0.1", "private"], // CGNAT
  ["100.127.255.254", "private"],
  ["198.18.0.1", "private"], // benchmarking: fake-IP DNS proxies
  ["fc00::1", "private"],
  ["fd12:3456:789a::1", "private"],
  ["fec0::1", "private"], // deprecated site-local
  ["::ffff:10.0.0.1", "private"],
  ["64:ff9b::a00:1", "private"], // NAT64 of 10.0.0.1
  ["64:ff9b:1::a00:1", "private"], // local-use NAT64
  ["::a00:1", "private"],
  ["2002:c0a8:101::1", "private"], // 6to4 of 192.168.1.1
  // link-local and cloud metadata: never
  ["169.254.1.1", "link_local"],
  ["fe80::1", "link_local"],
  ["fe80::1%eth0", "link_local"],
  ["169.254.169.254", "metadata"],
  ["fd00:ec2::254", "metadata"],
  ["::ffff:169.254.169.254", "metadata"],
  ["64:ff9b::a9fe:a9fe", "metadata"],
  ["100.100.100.200", "metadata"],
  ["169.254.170.2", "metadata"],
  // this machine by another name, and non-destinations
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "unspecified"],
  ["::", "unspecified"],
  ["::ffff:0.0.0.0", "unspecified"],
  ["255.255.255.255", "reserved"],
  ["224.0.0.1", "reserved"],
  ["240.0.0.1", "reserved"],
  ["192.0.2.1", "reserved"],
  ["ff02::1", "reserved"],
  ["2001:db8::1", "reserved"],
  // the internet
  ["93.184.216.34", "public"],
  ["8.8.8.8", "public"],
  ["172.32.0.1", "public"],
  ["100.128.0.1", "public"],
  ["2606:4700:4700::1111", "public"],
  ["::ffff:8.8.8.8", "public"],
  ["64:ff9b::808:808", "public"],
  ["2001:0:4136:e378:8000:63bf:f7f7:f7f7", "public"], // Teredo, client 8.8.8.8
];

describe("classifyAddress", () => {
  it.each(corpus)("%s is %s", (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it("refuses what is not an address (names are resolved, never classified)", () => {
    expect(() => classifyAddress("localhost")).toThrow(/not an IP address/);
    expect(() => classifyAddress("0x7f.1")).toThrow(/not an IP address/);
    expect(isIpLiteral("127.0.0.1")).toBe(true);
    expect(isIpLiteral("[::1]")).toBe(true);
    expect(isIpLiteral("::1")).toBe(true);
    expect(isIpLiteral("localhost")).toBe(false);
  });
});

describe("checkAddress", () => {
  const none: OutboundPolicy = { allowLoopback: false, allowPrivate: false };
  const all: OutboundPolicy = { allowLoopback: true, allowPrivate: true };
  const verdict = (address: string, policy: OutboundPolicy) => checkAddress(address, address, policy)?.kind ?? "allowed";

  it("policy on (none): only the internet", () => {
    for (const [address, kind] of corpus) expect(verdict(address, none)).toBe(kind === "public" ? "allowed" : kind);
  });

  it("policy off (loopback and private allowed): link-local, metadata, unspecified and reserved are still refused", () => {
    for (const [address, kind] of corpus) {
      const allowed = kind === "public" || kind === "loopback" || kind === "private";
      expect(verdict(address, all)).toBe(allowed ? "allowed" : kind);
    }
  });

  it("the development default allows loopback, not the local network", () => {
    expect(verdict("127.0.0.1", DEFAULT_OUTBOUND_POLICY)).toBe("allowed");
    expect(verdict("10.0.0.1", DEFAULT_OUTBOUND_POLICY)).toBe("private");
    expect(verdict("169.254.169.254", DEFAULT_OUTBOUND_POLICY)).toBe("metadata");
  });

  it("names the host; a resolved address stays out of the message", () => {
    expect(checkAddress("169.254.169.254", "169.254.169.254", all)?.message).toBe("169.254.169.254 is a cloud metadata address, which is never allowed");
    expect(checkAddress("[::1]", "::1", none)?.message).toBe("[::1] is a loopback address, and requests to this machine are off (ASSETBOOK_OUTBOUND_ALLOW)");
    const named = checkAddress("intranet.example.com", "10.1.2.3", none);
    expect(named?.message).toBe("intranet.example.com resolves to a private-network address, and requests to the local network are off (ASSETBOOK_OUTBOUND_ALLOW)");
    expect(named?.message).not.toContain("10.1.2.3");
  });
});
