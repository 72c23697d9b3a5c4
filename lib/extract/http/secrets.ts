// `secret:NAME` resolution, and the Redactor that keeps resolved values out of every
// URL, header and message we print or throw.
import { SECRET_PATTERN } from "../../notebook/values";

/** Looks a secret up by name; the CLI passes `(name) => process.env[name]`. */
export type SecretResolver = (name: string) => string | undefined;

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
 * A plain value is returned as is; `secret:NAME` is looked up, remembered by the
 * redactor, and returned. `field` names the place for the error (`auth.token`).
 */
export function resolveSecretValue(
  value: string,
  field: string,
  resolveSecret: SecretResolver,
  redactor: Redactor,
): string {
  if (!isSecretReference(value)) return value;
  const secretName = value.slice("secret:".length);
  const resolved = resolveSecret(secretName);
  if (resolved === undefined) throw new MissingSecretError(field, secretName);
  redactor.add(resolved);
  return resolved;
}
