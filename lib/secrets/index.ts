// Secrets as cells use them: `secret:NAME` resolved by a host-supplied resolver, each value
// optionally bound to the hosts it may be sent to, and redacted from whatever is printed.
// Below extract (which sends them) and the catalog (which stores them encrypted).
export {
  MissingSecretError,
  SecretHostNotAllowedError,
  SecretNotSendableError,
  Redactor,
  REDACTED,
  secretValueOf,
  resolveSecretValue,
  checkDerivedDestination,
  headerValueProblem,
  isSecretReference,
  type BoundSecret,
  type SecretResolver,
  type SecretUse,
} from "./secrets";
export { allowedHostsSchema, allowedHostSchema, describeDestination, isHostAllowed, isLoopbackHostname, parseAllowedHosts, parseHostPattern, hostPatternMatches, type HostPattern } from "./allowed-hosts";
