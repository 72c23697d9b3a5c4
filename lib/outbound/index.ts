// The outbound policy: which addresses the server may send requests to for a notebook
// (extracts; webhooks later), enforced at connection time. Beside lib/secrets, below extract.
export { classifyAddress, isIpLiteral, type AddressKind } from "./address";
export { checkAddress, denialOf, DEFAULT_OUTBOUND_POLICY, OutboundDeniedError, type OutboundPolicy } from "./policy";
export { guardedLookup, outboundFetch, systemResolve, type OutboundFetch, type OutboundInit, type OutboundResponse, type Resolve, type ResolvedAddress } from "./fetch";
