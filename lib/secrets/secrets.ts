// `secret:NAME` resolution, and the Redactor that keeps resolved values out of every
// URL, header and message we print or throw.
import { SECRET_PATTERN } from "../notebook/values";
import { describeDestination, isHostAllowed } from "./allowed-hosts";

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
    /** What would be sent, when it is not the secret itself (an OAuth2 access token minted with it). */
    what = `secret ${secretName}`,
  ) {
    super(`${field}: ${what} may not be sent to ${host} (allowed: ${allowedHosts.join(", ")})`);
    this.name = "SecretHostNotAllowedError";
  }
}

/** A secret that cannot go where a cell puts it (a line break in a header); names the secret, never the value. */
export class SecretNotSendableError extends Error {
  constructor(
    readonly field: string,
    readonly secretName: string | undefined,
    why: string,
  ) {
    super(`${field}: ${secretName === undefined ? "the value" : `secret ${secretName}`} ${why}`);
    this.name = "SecretNotSendableError";
  }
}

/**
 * Why `value` cannot be an HTTP header value, or undefined when it can. Headers drop
 * leading and trailing whitespace (a trailing newline from a pasted file is fine); a CR,
 * LF or NUL inside would make Headers throw with the value in its message.
 */
export function headerValueProblem(value: string): string | undefined {
  const inner = value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "");
  return /[\r\n\0]/.test(inner) ? "contains a line break or NUL, which an HTTP header cannot carry" : undefined;
}

/** What the redactor hides as well as a value itself: the forms it takes in URLs, headers, JSON and base64. */
function formsOf(secret: string): string[] {
  const trimmed = secret.trim();
  if (trimmed === "") return []; // nothing to hide, and replacing "" would mangle everything
  // With its inner whitespace collapsed, as error snippets print a body (never with the ends: they would eat the spaces around it).
  const forms = new Set<string>([trimmed.replace(/\s+/g, " ")]);
  for (const value of new Set([secret, trimmed])) {
    forms.add(value);
    forms.add(encodeURIComponent(value));
    // URLSearchParams (what URL query strings use) encodes differently: space as "+", "!'()~" escaped.
    forms.add(new URLSearchParams({ v: value }).toString().slice(2));
    // As a JSON string writes it: a PEM key's newlines as \n.
    forms.add(JSON.stringify(value).slice(1, -1));
    // base64 of a very short value would match ordinary text everywhere.
    if (trimmed.length < 6) continue;
    const base64 = Buffer.from(value, "utf8").toString("base64");
    forms.add(base64);
    forms.add(base64.replace(/=+$/, ""));
    forms.add(Buffer.from(value, "utf8").toString("base64url"));
  }
  return [...forms];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Replaces every known secret value with `***`: raw, trimmed, URL-encoded, JSON-escaped,
 * whitespace-collapsed and base64. One per run or preview, fed every value resolved, and
 * applied to every message, log line and record the run or preview hands on.
 */
export class Redactor {
  private readonly forms = new Set<string>();
  private pattern: RegExp | null | undefined;

  add(secret: string): void {
    for (const form of formsOf(secret)) this.forms.add(form);
    this.pattern = undefined;
  }

  /** One alternation, longest first, so a secret that contains another is replaced whole. */
  private matcher(): RegExp | null {
    if (this.pattern === undefined) {
      const forms = [...this.forms].sort((a, b) => b.length - a.length);
      this.pattern = forms.length === 0 ? null : new RegExp(forms.map(escapeRegExp).join("|"), "g");
    }
    return this.pattern;
  }

  redact(text: string): string {
    const pattern = this.matcher();
    return pattern === null ? text : text.replace(pattern, REDACTED);
  }

  /**
   * Whether redactValue could change a value of this JSON text: a secret's form appears in
   * it, or escapes could spell one (conservative, so that text it is false for is kept as is).
   */
  mayRedactJson(json: Buffer): boolean {
    if (this.forms.size === 0) return false;
    if (json.includes("\\u")) return true;
    if (json.includes("\\") && [...this.forms].some((form) => /["\\/\u0000-\u001f]/.test(form))) return true;
    return [...this.forms].some((form) => json.includes(form));
  }

  /** Every string inside a record (or any JSON value), redacted; values without secrets come back as they were. */
  redactValue(value: unknown): unknown {
    const pattern = this.matcher();
    if (pattern === null) return value;
    const walk = (current: unknown): unknown => {
      if (typeof current === "string") return current.replace(pattern, REDACTED);
      if (Array.isArray(current)) return current.map(walk);
      if (typeof current === "object" && current !== null) {
        const entries = Object.entries(current);
        return Object.fromEntries(entries.map(([key, inner]) => [key, walk(inner)]));
      }
      return current;
    };
    return walk(value);
  }

  /** A page of records with every string redacted (the same array when there is nothing to hide). */
  redactRecords(records: readonly unknown[]): readonly unknown[] {
    return this.matcher() === null ? records : records.map((record) => this.redactValue(record));
  }
}

export function isSecretReference(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

/** Where a resolved value goes: an HTTP header must not carry a line break (see headerValueProblem). */
export type SecretUse = "header" | "url_or_body";

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
  use: SecretUse = "url_or_body",
): string {
  if (!isSecretReference(value)) {
    const problem = use === "header" ? headerValueProblem(value) : undefined;
    if (problem !== undefined) throw new SecretNotSendableError(field, undefined, problem);
    return value;
  }
  const secretName = value.slice("secret:".length);
  const found = resolveSecret(secretName);
  if (found === undefined) throw new MissingSecretError(field, secretName);
  const resolved = typeof found === "object" ? found.value : found;
  redactor.add(resolved);
  if (typeof found === "object" && !isHostAllowed(found.allowedHosts, destination)) {
    throw new SecretHostNotAllowedError(field, secretName, describeDestination(destination), found.allowedHosts);
  }
  const problem = use === "header" ? headerValueProblem(resolved) : undefined;
  if (problem !== undefined) throw new SecretNotSendableError(field, secretName, problem);
  return resolved;
}

/**
 * Refuses to send what was made with a host-bound secret (an OAuth2 access token minted
 * with a bound client secret) anywhere its allowed hosts do not cover. A plain value or an
 * unbound secret binds nothing.
 */
export function checkDerivedDestination(value: string | undefined, field: string, destination: URL, resolveSecret: SecretResolver, what: string): void {
  if (value === undefined || !isSecretReference(value)) return;
  const secretName = value.slice("secret:".length);
  const found = resolveSecret(secretName);
  if (typeof found === "object" && !isHostAllowed(found.allowedHosts, destination)) {
    throw new SecretHostNotAllowedError(field, secretName, describeDestination(destination), found.allowedHosts, `${what} secret ${secretName}`);
  }
}
