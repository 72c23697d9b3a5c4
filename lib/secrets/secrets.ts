// `secret:NAME` resolution, and the Redactor that keeps resolved values out of every
// URL, header and message we print or throw.
import { SECRET_PATTERN } from "../notebook/values";
import { isHostAllowed } from "./allowed-hosts";

/** A workspace secret: its value and the hosts it may be sent to (empty: any host). */
export interface BoundSecret {
  value: string;
  allowedHosts: readonly string[];
}

/**
 * Looks a secret up by name. A plain string may go to any host: the CLI passes
 * `(name) => process.env[name]`; the server answers workspace secrets as BoundSecret.
 */
export type SecretResolver = (name: string) => string | BoundSecret | undefined;

/** The value of what a resolver answered. */
export function secretValueOf(found: string | BoundSecret | undefined): string | undefined {
  return typeof found === "object" ? found.value : found;
}

export const REDACTED = "***";

export class MissingSecretError extends Error {
  constructor(
    readonly field: string,
    readonly secretName: string,
  ) {
    super(`${field}: secret "${secretName}" is not set`);
    this.name = "MissingSecretError";
  }
}

/** A secret named for a request to a host outside its allowed hosts; raised before any request. */
export class SecretHostNotAllowedError extends Error {
  constructor(
    readonly field: string,
    readonly secretName: string,
    readonly host: string,
    readonly allowedHosts: readonly string[],
  ) {
    super(`${field}: secret ${secretName} may not be sent to ${host} (allowed: ${allowedHosts.join(", ")})`);
    this.name = "SecretHostNotAllowedError";
  }
}

/** Replaces every known secret value (raw and URL-encoded) with `***`. */
export class Redactor {
  private readonly forms = new Set<string>();

  add(secret: string): void {
    if (secret === "") return; // nothing to hide, and replacing "" would mangle everything
    this.forms.add(secret);
    this.forms.add(encodeURIComponent(secret));
    // URLSearchParams (what URL query strings use) encodes differently: space as "+", "!'()~" escaped.
    this.forms.add(new URLSearchParams({ v: secret }).toString().slice(2));
  }

  redact(text: string): string {
    // Longest first, so a secret that contains another is replaced whole.
    const forms = [...this.forms].sort((a, b) => b.length - a.length);
    let redacted = text;
    for (const form of forms) redacted = redacted.split(form).join(REDACTED);
    return redacted;
  }
}

export function isSecretReference(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

/**
 * A plain value is returned as is; `secret:NAME` is looked up, checked against the host
 * it is about to be sent to (`destination`), remembered by the redactor, and returned.
 * `field` names the place for the error (`auth.token`).
 */
export function resolveSecretValue(
  value: string,
  field: string,
  destination: URL,
  resolveSecret: SecretResolver,
  redactor: Redactor,
): string {
  if (!isSecretReference(value)) return value;
  const secretName = value.slice("secret:".length);
  const found = resolveSecret(secretName);
  if (found === undefined) throw new MissingSecretError(field, secretName);
  if (typeof found === "object" && !isHostAllowed(found.allowedHosts, destination)) {
    throw new SecretHostNotAllowedError(field, secretName, destination.host, found.allowedHosts);
  }
  const resolved = typeof found === "object" ? found.value : found;
  redactor.add(resolved);
  return resolved;
}
