// Where the server may send requests on a notebook's behalf (extracts; webhooks later).
// Link-local, metadata, unspecified and reserved addresses are never allowed: nothing
// legitimate lives there and cloud credentials do. Loopback and the private network are
// the operator's call (ASSETBOOK_OUTBOUND_ALLOW in lib/config).
import { classifyAddress, type AddressKind } from "./address";

export interface OutboundPolicy {
  /** This machine: 127.0.0.0/8, ::1, localhost. */
  allowLoopback: boolean;
  /** The local network: RFC 1918, CGNAT, unique-local IPv6. */
  allowPrivate: boolean;
}

/** Development: the examples and fixtures serve on 127.0.0.1. Lock down with ASSETBOOK_OUTBOUND_ALLOW=none. */
export const DEFAULT_OUTBOUND_POLICY: Readonly<OutboundPolicy> = Object.freeze({ allowLoopback: true, allowPrivate: false });

/** A request refused by the outbound policy, before any connection to the address. */
export class OutboundDeniedError extends Error {
  /** Like a socket error's code, so it reads the same where network errors are described. */
  readonly code = "ERR_OUTBOUND_DENIED";

  constructor(
    readonly host: string,
    readonly kind: AddressKind,
    message: string,
  ) {
    super(message);
    this.name = "OutboundDeniedError";
  }
}

/** Why an address of this kind may not be reached under `policy`, or undefined when it may. */
function refusal(kind: AddressKind, policy: OutboundPolicy): string | undefined {
  switch (kind) {
    case "public":
      return undefined;
    case "loopback":
      return policy.allowLoopback ? undefined : "a loopback address, and requests to this machine are off (ASSETBOOK_OUTBOUND_ALLOW)";
    case "private":
      return policy.allowPrivate ? undefined : "a private-network address, and requests to the local network are off (ASSETBOOK_OUTBOUND_ALLOW)";
    case "link_local":
      return "a link-local address, which is never allowed";
    case "metadata":
      return "a cloud metadata address, which is never allowed";
    case "unspecified":
      return "an unspecified address (0.0.0.0 or ::), which is never allowed";
    case "reserved":
      return "a reserved address (multicast, broadcast or documentation), which is never allowed";
    default: {
      const unreachable: never = kind;
      throw new Error(`unknown address kind ${String(unreachable)}`);
    }
  }
}

/**
 * The error for connecting to `address` (which `host` named or resolved to), or undefined
 * when the policy allows it. A resolved address is not put in the message: it would map
 * the internal network for whoever reads the error.
 */
export function checkAddress(host: string, address: string, policy: OutboundPolicy): OutboundDeniedError | undefined {
  const kind = classifyAddress(address);
  const why = refusal(kind, policy);
  if (why === undefined) return undefined;
  const named = host.replace(/^\[|\]$/g, "") === address.replace(/^\[|\]$/g, "") ? `${host} is` : `${host} resolves to`;
  return new OutboundDeniedError(host, kind, `${named} ${why}`);
}

/** The policy's refusal behind an error fetch threw (directly, or as the cause of "fetch failed"). */
export function denialOf(error: unknown): OutboundDeniedError | undefined {
  if (error instanceof OutboundDeniedError) return error;
  if (error instanceof Error && error.cause instanceof OutboundDeniedError) return error.cause;
  return undefined;
}
