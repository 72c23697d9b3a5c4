export { fetchPages, joinUrl, DEFAULT_MAX_RETRY_AFTER_SECONDS, type FetchPagesOptions, type Page, type PageInfo } from "./fetch-pages";
export { ExtractHttpError } from "./errors";
export { MissingSecretError, SecretHostNotAllowedError, Redactor, REDACTED, secretValueOf, type BoundSecret, type SecretResolver } from "../../secrets/secrets";
export { allowedHostsSchema, allowedHostSchema, isHostAllowed, parseAllowedHosts, parseHostPattern, hostPatternMatches, type HostPattern } from "../../secrets/allowed-hosts";
export { parseLinkHeader, findLink, type Link } from "./link-header";
export { backoffDelayMs, retryAfterMs, type Sleep } from "./request";
export {
  parseRestRequestSpec,
  restRequestSpecSchema,
  InvalidRestSpecError,
  type RestRequestSpec,
  type RestRequestSpecInput,
  type PaginatorSpec,
  type AuthSpec,
} from "./spec";
