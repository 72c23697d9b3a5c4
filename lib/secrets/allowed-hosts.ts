// The hosts a workspace secret may be sent to: `host` or `host:port`, lowercase, with an
// optional leading `*.` for any subdomain. A pattern without a port means the scheme's
// default port (443 for https, 80 for http), so `api.example.com` does not also admit
// whatever listens on api.example.com:8080.
import { z } from "zod";

export interface HostPattern {
  /** Lowercase; IPv6 in brackets (`[::1]`), as URL.hostname writes it. */
  hostname: string;
  /** `*.example.com`: any subdomain of hostname, not hostname itself. */
  subdomains: boolean;
  /** Absent: the default port of the URL's scheme. */
  port?: number;
}

const PATTERN = /^(\*\.)?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/** What URL's parser makes of `hostname`, or undefined when it is not a host. */
function canonicalHostname(hostname: string): string | undefined {
  return URL.canParse(`http://${hostname}/`) ? new URL(`http://${hostname}/`).hostname : undefined;
}

/** The pattern, or why it is not one. Input must already be trimmed and lowercase. */
export function parseHostPattern(text: string): HostPattern | string {
  const match = PATTERN.exec(text);
  if (!match) return `"${text}" is not a host or host:port (lowercase, e.g. api.example.com, 127.0.0.1:4010, *.example.com)`;
  const [, wildcard, hostname = "", portText] = match;
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
  return port === undefined ? { hostname, subdomains } : { hostname, subdomains, port };
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

export function hostPatternMatches(pattern: HostPattern, url: URL): boolean {
  const hostname = url.hostname;
  const hostMatches = pattern.subdomains ? hostname.endsWith(`.${pattern.hostname}`) : hostname === pattern.hostname;
  if (!hostMatches) return false;
  if (pattern.port === undefined) return url.port === "";
  return effectivePort(url) === pattern.port;
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
