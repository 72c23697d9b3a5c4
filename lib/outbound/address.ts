// What kind of place an IP address is, for the outbound policy. IPv6 forms that carry an
// IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are judged by the IPv4 address
// they lead to, so `[::ffff:127.0.0.1]` or `[64:ff9b::a00:1]` is no way around a rule.
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

/**
 * - `public`: the internet.
 * - `loopback`: this machine (127.0.0.0/8, ::1).
 * - `private`: the local network (RFC 1918, CGNAT 100.64/10, unique-local fc00::/7, ...).
 * - `link_local`: 169.254/16 and fe80::/10, where cloud metadata services answer.
 * - `metadata`: a cloud metadata service's own address (credentials live there).
 * - `unspecified`: 0.0.0.0/8 and `::`, which Linux connects to this machine.
 * - `reserved`: multicast, broadcast, documentation and other non-destinations.
 */
export type AddressKind = "public" | "loopback" | "private" | "link_local" | "metadata" | "unspecified" | "reserved";

/** AWS, GCP and Azure (169.254.169.254, fd00:ec2::254), ECS tasks, Alibaba, Oracle. */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "169.254.170.2", "100.100.100.200", "192.0.0.192", "fd00:ec2::254"]);

/** Benchmarking space: fake-IP DNS proxies on developer machines hand these out, so it counts as the local network. */
const BENCHMARKING_V4 = ipaddr.IPv4.parseCIDR("198.18.0.0/15");

/** fec0::/10, the deprecated site-local range, still a local network where it is configured. */
const SITE_LOCAL_V6 = ipaddr.IPv6.parseCIDR("fec0::/10");

function kindOfV4(address: ipaddr.IPv4): AddressKind {
  if (METADATA_ADDRESSES.has(address.toString())) return "metadata";
  if (address.match(BENCHMARKING_V4)) return "private";
  const range = address.range();
  switch (range) {
    case "unicast":
    case "as112":
    case "amt":
      return "public";
    case "loopback":
      return "loopback";
    case "private":
    case "carrierGradeNat":
      return "private";
    case "linkLocal":
      return "link_local";
    case "unspecified":
      return "unspecified";
    default:
      // broadcast, multicast, reserved, and any range a newer ipaddr.js adds: not a destination.
      return "reserved";
  }
}

/** The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one. */
function embeddedV4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const { parts } = address;
  const bytes = address.toByteArray();
  const zeros = (from: number, to: number) => parts.slice(from, to).every((part) => part === 0);
  const last32 = () => new ipaddr.IPv4(bytes.slice(12, 16));
  // ::ffff:a.b.c.d (mapped), ::ffff:0:a.b.c.d (RFC 6145), ::a.b.c.d (deprecated "compatible"; :: and ::1 are judged before).
  if (zeros(0, 5) && parts[5] === 0xffff) return last32();
  if (zeros(0, 4) && parts[4] === 0xffff && parts[5] === 0) return last32();
  if (zeros(0, 6)) return last32();
  // NAT64: 64:ff9b::/96 and the local-use 64:ff9b:1::/48, the IPv4 address in the last 32 bits.
  if (parts[0] === 0x64 && parts[1] === 0xff9b) return last32();
  // 6to4: 2002:AABB:CCDD::/48.
  if (parts[0] === 0x2002) return new ipaddr.IPv4(bytes.slice(2, 6));
  // Teredo: 2001:0::/32, the client's IPv4 address inverted in the last 32 bits.
  if (parts[0] === 0x2001 && parts[1] === 0) return new ipaddr.IPv4(bytes.slice(12, 16).map((byte) => byte ^ 0xff));
  return undefined;
}

function kindOfV6(address: ipaddr.IPv6): AddressKind {
  if (METADATA_ADDRESSES.has(address.toString())) return "metadata";
  const range = address.range();
  if (range === "unspecified") return "unspecified";
  if (range === "loopback") return "loopback";
  const v4 = embeddedV4(address);
  if (v4 !== undefined) return kindOfV4(v4);
  if (address.match(SITE_LOCAL_V6)) return "private";
  switch (range) {
    case "unicast":
    case "amt":
    case "as112v6":
      return "public";
    case "uniqueLocal":
      return "private";
    case "linkLocal":
      return "link_local";
    default:
      // multicast, documentation, discard, ORCHID, ...: not a destination.
      return "reserved";
  }
}

/**
 * The kind of an IP address as Node writes it (`127.0.0.1`, `::1`; brackets allowed).
 * Throws on anything else: callers check hosts that are already addresses.
 */
export function classifyAddress(text: string): AddressKind {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  // Zone ids (fe80::1%eth0) name an interface, not a different address.
  const address = bare.replace(/%.*$/, "");
  if (isIP(address) === 0) throw new Error(`"${text}" is not an IP address`);
  const parsed = ipaddr.parse(address);
  return parsed instanceof ipaddr.IPv4 ? kindOfV4(parsed) : kindOfV6(parsed);
}

/** True when `host` (a URL hostname, IPv6 in brackets or not) is an IP address rather than a name. */
export function isIpLiteral(host: string): boolean {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  return isIP(bare.replace(/%.*$/, "")) !== 0;
}
