// The hosts a workspace secret may be sent to: `host` or `host:port`, lowercase, with an
// optional leading `*.` for any subdomain, and an optional `http://` or `https://` in front.
// The scheme is bound too, so a secret never crosses the network in clear text unless an
// entry says so: `api.example.com` means https only; plain http needs `http://api.example.com`.
// One exception keeps entries like `127.0.0.1:4010` working as written: a loopback host
// (localhost, 127.0.0.0/8, [::1]) also takes http, since that traffic never leaves the machine.
// Without a port, the scheme's default port (443 for https, 80 for http), so
// `api.example.com` does not also admit whatever listens on api.example.com:8080.
import { z } from "zod";

export interface HostPattern {
  /** Lowercase; IPv6 in brackets (`[::1]`), as URL.hostname writes it. */
  hostname: string;
  /** `*.example.com`: any subdomain of hostname, not hostname itself. */
  subdomains: boolean;
  /** Absent: the default port of the URL's scheme. */
  port?: number;
  /** Written in the entry; absent: https (and http too on a loopback host). */
  scheme?: "http" | "https";
}

const PATTERN = /^(?:(https?):\/\/)?(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** What URL's parser makes of `hostname`, or undefined when it is not a host. */
function canonicalHostname(hostname: string): string | undefined {
  return URL.canParse(`http://${hostname}/`) ? new URL(`http://${hostname}/`).hostname : undefined;
}

/** The pattern, or why it is not one. Input must already be trimmed and lowercase. */
export function parseHostPattern(text: string): HostPattern | string {
  const match = PATTERN.exec(text);
  if (!match) return `"${text}" is not a host or host:port (lowercase, e.g. api.example.com, 127.0.0.1:4010, *.example.com; http://intranet.example.com for plain http)`;
  const [, schemeText, wildcard, hostname = "", portText] = match;
  const scheme = schemeText === "http" || schemeText === "https" ? schemeText : undefined;
  const subdomains = wildcard !== undefined;
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (port < 1 || port > 65535)) return `"${text}": the port must be 1 to 65535`;
  const isIpv6 = hostname.startsWith("[");
  if (subdomains && (isIpv6 || !hostname.includes("."))) return `"${text}": a wildcard needs a domain with a dot (*.example.com)`;
  if (!isIpv6 && (hostname.length > 253 || !hostname.split(".").every((label) => LABEL.test(label)))) {
    return `"${text}" is not a host name`;
  }
  // Only hosts written the way URLs write them: no `0x7f.1` for 127.0.0.1, no `[::0:1]` for [::1].
  const canonical = canonicalHostname(subdomains ? `x.${hostname}` : hostname);
  if (canonical !== (subdomains ? `x.${hostname}` : hostname)) return `"${text}" is not a host name in its usual form`;
  return { hostname, subdomains, ...(port === undefined ? {} : { port }), ...(scheme === undefined ? {} : { scheme }) };
}

/** One allowed host, trimmed and lowercased, then checked. */
export const allowedHostSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(300)
  .superRefine((text, ctx) => {
    const parsed = parseHostPattern(text);
    if (typeof parsed === "string") ctx.addIssue({ code: "custom", message: parsed });
  });

/** A secret's allowed hosts, without duplicates; empty means any host. */
export const allowedHostsSchema = z
  .array(allowedHostSchema)
  .max(100, "at most 100 allowed hosts")
  .transform((hosts) => [...new Set(hosts)]);

function effectivePort(url: URL): number | undefined {
  return url.port === "" ? DEFAULT_PORTS[url.protocol] : Number(url.port);
}

/** localhost, 127.0.0.0/8 or [::1], as URL.hostname writes them: traffic to it stays on this machine. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function schemeMatches(pattern: HostPattern, url: URL): boolean {
  switch (pattern.scheme) {
    case "http":
      return url.protocol === "http:";
    case "https":
      return url.protocol === "https:";
    case undefined:
      return url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHostname(url.hostname));
    default: {
      const unreachable: never = pattern.scheme;
      throw new Error(`unknown scheme ${String(unreachable)}`);
    }
  }
}

export function hostPatternMatches(pattern: HostPattern, url: URL): boolean {
  if (!schemeMatches(pattern, url)) return false;
  const hostname = url.hostname;
  const hostMatches = pattern.subdomains ? hostname.endsWith(`.${pattern.hostname}`) : hostname === pattern.hostname;
  if (!hostMatches) return false;
  if (pattern.port === undefined) return url.port === "";
  return effectivePort(url) === pattern.port;
}

/** The destination as an error names it: the host, with `http://` in front when clear text is the question. */
export function describeDestination(url: URL): string {
  return url.protocol === "http:" && !isLoopbackHostname(url.hostname) ? `http://${url.host}` : url.host;
}

/**
 * May a secret with these allowed hosts be sent to `url`? An empty list allows any host;
 * a stored pattern that no longer parses allows nothing (fail closed).
 */
export function isHostAllowed(allowedHosts: readonly string[], url: URL): boolean {
  if (allowedHosts.length === 0) return true;
  return allowedHosts.some((text) => {
    const pattern = parseHostPattern(text);
    return typeof pattern !== "string" && hostPatternMatches(pattern, url);
  });
}

/** The list normalized; throws an error naming each bad entry (`allowedHosts.1: "x" is not a host ...`). */
export function parseAllowedHosts(hosts: readonly string[]): string[] {
  const result = allowedHostsSchema.safeParse(hosts);
  if (result.success) return result.data;
  throw new Error(result.error.issues.map((issue) => `${["allowedHosts", ...issue.path.map(String)].join(".")}: ${issue.message}`).join("; "));
}
