// fetch with the outbound policy enforced where the connection is made: every address a
// host name resolves to is checked in the socket's own lookup, and an address written in
// the URL in the connector, so a redirect, a keep-alive reconnect or a DNS answer that
// changes between a check and the connection (rebinding) cannot slip past.
import dns from "node:dns";
import type { LookupFunction } from "node:net";
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit, type Response } from "undici";
import { isIpLiteral } from "./address";
import { checkAddress, type OutboundPolicy } from "./policy";

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (default: the system resolver, as sockets use it). */
export type Resolve = (hostname: string, family: 0 | 4 | 6) => Promise<readonly ResolvedAddress[]>;

export const systemResolve: Resolve = async (hostname, family) =>
  (await dns.promises.lookup(hostname, { all: true, family, order: "verbatim" })).map(({ address, family: f }) => ({ address, family: f === 6 ? 6 : 4 }));

function familyOf(value: unknown): 0 | 4 | 6 {
  return value === 4 || value === "IPv4" ? 4 : value === 6 || value === "IPv6" ? 6 : 0;
}

/** A socket lookup that resolves every address of the host and refuses them all if any one is denied. */
export function guardedLookup(policy: OutboundPolicy, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, familyOf(options.family)).then(
      (addresses) => {
        const first = addresses[0];
        if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" }), "", 0);
        for (const { address } of addresses) {
          const denied = checkAddress(hostname, address, policy);
          if (denied !== undefined) return callback(denied, "", 0);
        }
        if (options.all === true) callback(null, addresses.map(({ address, family }) => ({ address, family })));
        else callback(null, first.address, first.family);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), "", 0),
    );
  };
}

/** The undici dispatcher of one policy: its lookup checks names, its connector checks addresses written as such. */
function guardedAgent(policy: OutboundPolicy, resolve: Resolve): Agent {
  const connectVia = buildConnector({ lookup: guardedLookup(policy, resolve) });
  return new Agent({
    connect: (options, callback) => {
      // A literal address never goes through lookup.
      const denied = isIpLiteral(options.hostname) ? checkAddress(options.hostname, options.hostname, policy) : undefined;
      if (denied !== undefined) callback(denied, null);
      else connectVia(options, callback);
    },
  });
}

// One agent per policy (and resolver), so connections are pooled across requests as fetch's own are.
const agents = new WeakMap<Resolve, Map<string, Agent>>();

function agentFor(policy: OutboundPolicy, resolve: Resolve): Agent {
  let byPolicy = agents.get(resolve);
  if (byPolicy === undefined) agents.set(resolve, (byPolicy = new Map()));
  const key = `${policy.allowLoopback}/${policy.allowPrivate}`;
  let agent = byPolicy.get(key);
  if (agent === undefined) byPolicy.set(key, (agent = guardedAgent(policy, resolve)));
  return agent;
}

export type OutboundInit = Omit<RequestInit, "dispatcher">;
export type OutboundFetch = (url: string, init: OutboundInit) => Promise<Response>;

/**
 * fetch under `policy`. Refuses anything but http(s), and an address written in the URL
 * (after URL normalization: `127.1`, `2130706433` and `0x7f.1` are all 127.0.0.1) before
 * a request; the agent checks again at every connection.
 */
export function outboundFetch(policy: OutboundPolicy, resolve: Resolve = systemResolve): OutboundFetch {
  const dispatcher = agentFor(policy, resolve);
  return async (url, init) => {
    const target = new URL(url);
    if (target.protocol !== "http:" && target.protocol !== "https:") throw new TypeError(`${target.protocol} URLs are not fetched, only http: and https:`);
    if (isIpLiteral(target.hostname)) {
      const denied = checkAddress(target.hostname, target.hostname, policy);
      if (denied !== undefined) throw denied;
    }
    return undiciFetch(target, { ...init, dispatcher });
  };
}
